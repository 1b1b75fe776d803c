"""File checks as part of scoring (issue 17, item 1) on the real stack: the per-resource job,
``check_packages`` / ``ckan wards check-files``, the stored ``wards_file_check`` rows, and
what they change downstream (stored score, scorecard row, ward report, DQV).

Remote files come from loopback servers the tests start (``tests/loopback.py``; the safe
fetcher is allowed those and nothing else that is not public); uploads from CKAN's storage.
"""
from __future__ import annotations

import hashlib
import http.server
from pathlib import Path

import pytest
from rdflib import Graph, Namespace

from ckan.tests import helpers

from ckanext.wards.conformance import checker
from ckanext.wards.scoring import bulk, filechecks, filestore, jobs, store
from tests import loopback
from tests.conftest import WARDS_PLUGINS

pytestmark = [
    pytest.mark.ckan_config("ckan.plugins", WARDS_PLUGINS),
    pytest.mark.usefixtures("clean_db", "clean_index", "with_plugins", "clean_standard_checks"),
]

DQV = Namespace("http://www.w3.org/ns/dqv#")
TOILET_CSV = (Path(__file__).parent / "fixtures" / "standard" / "131016_public_toilet.csv").read_bytes()
PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"


def make_dataset(sysadmin, org, name="toilets", conforms_to=("13_public_toilet",), resources=()):
    return helpers.call_action("package_create", context={"user": sysadmin["name"]}, name=name,
                               title="公衆トイレ一覧", owner_org=org["id"], conforms_to=list(conforms_to),
                               resources=list(resources))


def check_row(resource_id):
    return filestore.file_checks(resource_ids=[resource_id])[resource_id]


@pytest.fixture
def parses(monkeypatch):
    """Counts the checker's parses (``checker.check_file`` calls) by file name."""
    calls: list[str] = []
    real = checker.check_file

    def counting(path, *args, **kwargs):
        calls.append(str(path))
        return real(path, *args, **kwargs)
    monkeypatch.setattr(checker, "check_file", counting)
    return calls


@pytest.fixture
def file_server(allow_fetch):
    """A loopback server of ``files[path] = bytes``. ``validators[path]`` picks what it sends:
    "etag" (and answers a matching If-None-Match with 304) or None (no validator, so only
    the hash can tell the file unchanged). Yields (base URL, files, validators, hits)."""
    files: dict[str, bytes] = {}
    validators: dict[str, str | None] = {}
    hits: list[tuple[str, int]] = []

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self):
            body = files.get(self.path)
            if body is None:
                hits.append((self.path, 404))
                self.send_error(404)
                return
            etag = '"' + hashlib.sha256(body).hexdigest()[:16] + '"'
            use_etag = validators.get(self.path, "etag") == "etag"
            if use_etag and self.headers.get("If-None-Match") == etag:
                hits.append((self.path, 304))
                self.send_response(304)
                self.send_header("ETag", etag)
                self.end_headers()
                return
            hits.append((self.path, 200))
            self.send_response(200)
            if use_etag:
                self.send_header("ETag", etag)
            self.send_header("Content-Type", "text/csv")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    server = loopback.start(Handler)
    base = loopback.url(server)
    allow_fetch(base)
    try:
        yield base, files, validators, hits
    finally:
        loopback.stop(server)


def dqv_values(app, package_id):
    from ckanext.wards.dcat import uris
    g = Graph().parse(data=app.get(f"/dataset/{package_id}.jsonld").get_data(as_text=True), format="json-ld")
    return {str(g.value(node, DQV.isMeasurementOf)): g.value(node, DQV.value).toPython()
            for node in g.objects(None, DQV.hasQualityMeasurement)}, uris


def test_an_uploaded_csv_check_changes_score_scorecard_report_and_dqv(app, sysadmin, org, create_with_upload, parses):
    from ckanext.wards.report import document, figures
    from ckanext.wards.scoring import scorecard

    dataset = make_dataset(sysadmin, org)
    resource = create_with_upload(TOILET_CSV, "131016_public_toilet.csv", package_id=dataset["id"],
                                  context={"user": sysadmin["name"]}, format="CSV")
    bulk.rescore(package_ids=[dataset["id"]])  # scored before any file check
    before = store.dataset_score_row(dataset["id"])
    card_before = scorecard.build(org["id"])["rows"][0]
    assert before["conformance_ok"] is None and before["metrics"]["wq:readabilityRules"] == 0
    dqv_before, uris = dqv_values(app, dataset["id"])
    rules_uri = str(uris.metric_uri("wq:readabilityRules"))

    row = jobs.check_resource_file(resource["id"])
    assert row["outcome"] == "checked" and len(parses) == 1
    stored = check_row(resource["id"])
    assert stored["file_state"] == "checked" and stored["file_reason"] is None
    assert stored["sniffed_code"] == "CSV" and stored["standard_id"] == "13_public_toilet"
    assert stored["sha256"] == hashlib.sha256(TOILET_CSV).hexdigest() and stored["size"] == len(TOILET_CSV)
    assert stored["conformance_ok"] is True and stored["level_scores"]["L1"] == 100
    assert stored["rules_score"] == min(v for v in stored["level_scores"].values() if v is not None)
    assert all(len(rule["examples"]) <= filechecks.STORED_EXAMPLES for rule in stored["rules"])
    assert {rule["id"] for rule in stored["rules"]} >= {"L1-01", "L1-08"}
    # L3-07 (format consistency across a dataset's files) has no caller: kept as not
    # assessed with its reason, never dropped, never a pass or a failure
    l307 = [rule for rule in stored["rules"] if rule["id"] == "L3-07"]
    assert len(l307) == 1 and l307[0]["passed"] is None and l307[0]["not_assessed"]["code"]

    after = store.dataset_score_row(dataset["id"])
    assert after["conformance_ok"] is True
    assert after["metrics"]["wq:standardConformance"] > before["metrics"]["wq:standardConformance"]
    assert after["metrics"]["wq:readabilityRules"] > 0
    assert after["japan_points"] > before["japan_points"]
    card_after = scorecard.build(org["id"])["rows"][0]
    assert card_after["japan_points"] == after["japan_points"] != card_before["japan_points"]
    dqv_after, _ = dqv_values(app, dataset["id"])
    assert dqv_after[rules_uri] == after["metrics"]["wq:readabilityRules"] != dqv_before.get(rules_uri)

    report = document.report_for_org(org, figures.org_figures([org["id"]])[org["id"]])
    assert document.validation_errors(report) == []
    assert report["quality"]["japan_points_max"] == 180
    assert 0 < report["quality"]["japan_score_mean"] <= 100
    assert report["counts"]["tabular_resources_checked"] == 1
    assert report["shares"]["resources_level1_pass"] == {"numerator": 1, "denominator": 1,
                                                         "unit": "checked_tabular_resource"}
    assert report["shares"]["standards_verified_by_file"]["numerator"] == 1
    assert report["shares"]["standards_verified_by_file"]["denominator"] == 1

    # The dataset's re-score job and its DCAT-AP job read no file (the latter changes the
    # DCAT-AP metric, which the file check leaves); bulk re-scoring keeps the file results.
    jobs.rescore_dataset(dataset["id"])
    jobs.validate_dataset(dataset["id"])
    bulk.rescore(package_ids=[dataset["id"]])
    assert len(parses) == 1
    rescored = store.dataset_score_row(dataset["id"])["metrics"]
    assert {k: v for k, v in rescored.items() if k != "pv:dcatApCompliance"} == \
        {k: v for k, v in after["metrics"].items() if k != "pv:dcatApCompliance"}
    # The same upload checked again: hashed, not parsed.
    assert jobs.check_resource_file(resource["id"])["outcome"] == "unchanged" and len(parses) == 1


def test_a_remote_file_is_not_fetched_twice_when_unchanged(sysadmin, org, file_server, parses):
    base, files, validators, hits = file_server
    files["/etag.csv"] = files["/plain.csv"] = TOILET_CSV
    validators["/plain.csv"] = None
    dataset = make_dataset(sysadmin, org, resources=[{"url": f"{base}/etag.csv", "format": "CSV"},
                                                     {"url": f"{base}/plain.csv", "format": "CSV"}])
    etag_res, plain_res = (r["id"] for r in helpers.call_action("package_show", id=dataset["id"])["resources"])

    first = filechecks.check_packages([dataset["id"]], validate_dcat=False)
    assert first["checked"] == 2 and first["unchanged"] == 0
    assert check_row(etag_res)["etag"] and check_row(plain_res)["etag"] is None
    parsed = len(parses)
    assert parsed <= 2  # the second file's bytes may come from the checker's store

    second = filechecks.check_packages([dataset["id"]], validate_dcat=False)
    assert second["unchanged"] == 2 and second["checked"] == 0 and len(parses) == parsed
    # 304 path: the conditional GET was answered "not modified", no body sent twice;
    # hash path: no validator, the body came again but was not parsed.
    assert [s for p, s in hits if p == "/etag.csv"] == [200, 304]
    assert [s for p, s in hits if p == "/plain.csv"] == [200, 200]
    assert check_row(etag_res)["file_state"] == check_row(plain_res)["file_state"] == "checked"

    files["/plain.csv"] = TOILET_CSV.replace(b"\r\n", b"\n")  # changed bytes: parsed again
    third = filechecks.check_packages([dataset["id"]], validate_dcat=False, rescore=False)
    assert third["checked"] == 1 and third["unchanged"] == 1 and len(parses) == parsed + 1


def test_files_that_cannot_be_assessed_say_why(sysadmin, org, file_server, ckan_config, monkeypatch,
                                               create_with_upload, parses):
    base, files, _validators, _hits = file_server
    files["/big.csv"] = TOILET_CSV * 50
    files["/report.csv"] = PDF  # declared CSV, really a PDF
    dataset = make_dataset(sysadmin, org, conforms_to=(), resources=[
        {"url": f"{base}/big.csv", "format": "CSV"},
        {"url": f"{base}/missing.csv", "format": "CSV"},
        {"url": f"{base}/report.csv", "format": "CSV"},
        {"url": "", "format": "CSV", "name": "no file"}])
    upload = create_with_upload(PDF, "annual.pdf", package_id=dataset["id"], context={"user": sysadmin["name"]},
                                format="PDF")
    monkeypatch.setitem(ckan_config, "ckanext.wards.file_checks.max_bytes", str(len(TOILET_CSV) * 10))
    summary = filechecks.check_packages([dataset["id"]], validate_dcat=False)
    assert summary["not_assessed"] == {"file_too_large": 1, "file_unreachable": 1, "not_tabular": 2, "no_file": 1}
    assert parses == []
    resources = helpers.call_action("package_show", id=dataset["id"])["resources"]
    rows = filestore.file_checks(package_ids=[dataset["id"]])
    by_name = {r["url"].rsplit("/", 1)[-1] if r["url"] else "": rows[r["id"]] for r in resources}
    assert (by_name["big.csv"]["file_state"], by_name["big.csv"]["file_reason"]) == ("not_assessed", "file_too_large")
    assert by_name["missing.csv"]["file_reason"] == "file_unreachable" and "404" in by_name["missing.csv"]["error"]
    assert by_name["report.csv"]["file_reason"] == "not_tabular" and by_name["report.csv"]["sniffed_code"] == "PDF"
    assert by_name[""]["file_reason"] == "no_file"
    assert rows[upload["id"]]["file_reason"] == "not_tabular" and rows[upload["id"]]["sniffed_code"] == "PDF"
    # What scoring reads: the reasons, no verdict, no rules score; the sniffed type counts.
    stored = store.stored_resource_results([dataset["id"]])
    assert {stored[rid]["file_reason"] for rid in rows} == {"file_too_large", "file_unreachable", "not_tabular",
                                                           "no_file"}
    assert all(stored[rid]["rules_score"] is None and stored[rid]["conformance_ok"] is None for rid in rows)


def test_check_files_command(cli, sysadmin, org, create_with_upload, parses):
    from ckanext.wards.cli import wards

    dataset = make_dataset(sysadmin, org)
    create_with_upload(TOILET_CSV, "t.csv", package_id=dataset["id"], context={"user": sysadmin["name"]}, format="CSV")
    other = make_dataset(sysadmin, org, name="other", conforms_to=())
    create_with_upload(TOILET_CSV.replace(b"\r\n", b"\n"), "u.csv", package_id=other["id"],
                       context={"user": sysadmin["name"]}, format="CSV")

    assert cli.invoke(wards, ["check-files"]).exit_code == 2  # usage: nothing chosen
    result = cli.invoke(wards, ["check-files", "--dataset", dataset["name"], "--no-dcat"])
    assert result.exit_code == 0, result.output
    assert "1 files, 1 checked, 0 unchanged" in result.output and len(parses) == 1
    assert sorted(filestore.stale_package_ids()) == [other["id"]]

    result = cli.invoke(wards, ["check-files", "--stale"])
    assert result.exit_code == 0, result.output
    assert "of 1 datasets" in result.output and len(parses) == 2
    assert filestore.stale_package_ids() == []
    # A check by another checker version, or a failed one, is stale (retried).
    import ckan.model as ckan_model
    from ckanext.wards.model import FileCheck
    ckan_model_session, table = ckan_model.Session, FileCheck.__table__
    ckan_model_session.execute(table.update().where(table.c.package_id == other["id"]).values(checker="old"))
    ckan_model_session.commit()
    assert filestore.stale_package_ids() == [other["id"]]
    ckan_model_session.execute(table.update().where(table.c.package_id == other["id"]).values(
        checker=None, file_state="not_assessed", file_reason="check_failed"))
    ckan_model_session.commit()
    assert filestore.stale_package_ids() == [other["id"]]
    result = cli.invoke(wards, ["check-files", "--stale", "--no-dcat"])
    assert result.exit_code == 0, result.output
    assert filestore.stale_package_ids() == []
    assert store.dataset_score_row(other["id"])["metrics"]["wq:readabilityRules"] > 0

    result = cli.invoke(wards, ["check-files", "--org", org["name"]])
    assert result.exit_code == 0, result.output
    assert "2 files, 0 checked, 2 unchanged" in result.output and len(parses) == 2
    assert "DCAT-AP validated: 2" in result.output
    assert store.dataset_score_row(dataset["id"])["dcat_compliant"] is not None

    result = cli.invoke(wards, ["check-files", "--all", "--force", "--no-dcat"])
    assert result.exit_code == 0, result.output
    assert "2 files, 2 checked" in result.output and len(parses) == 4
    assert cli.invoke(wards, ["check-files", "--org", "nowhere"]).exit_code == 1


@pytest.mark.usefixtures("with_test_worker", "clean_queues")
def test_resource_create_queues_its_file_check(sysadmin, org, create_with_upload):
    """A new upload is checked by its background job, which re-scores the dataset."""
    from ckan.lib import jobs as ckan_jobs

    dataset = make_dataset(sysadmin, org)
    resource = create_with_upload(TOILET_CSV, "t.csv", package_id=dataset["id"], context={"user": sysadmin["name"]},
                                  format="CSV")
    titles = [job.meta.get("title") or job.description for job in ckan_jobs.get_queue().jobs]
    assert any(resource["id"] in (t or "") and "file check" in (t or "") for t in titles), titles
    ckan_jobs.Worker().work(burst=True)
    assert check_row(resource["id"])["file_state"] == "checked"
    assert store.dataset_score_row(dataset["id"])["conformance_ok"] is True


def test_file_check_wins_over_an_older_resource_score(sysadmin, org, create_with_upload, parses):
    """A crash between the file check's commit and the re-score heals: scoring reads the
    file check's verdict, not the older one the resource score kept."""
    import ckan.model as ckan_model
    from ckanext.wards.model import ResourceScore

    dataset = make_dataset(sysadmin, org)
    res = create_with_upload(TOILET_CSV, "t.csv", package_id=dataset["id"], context={"user": sysadmin["name"]},
                             format="CSV")
    filechecks.check_packages([dataset["id"]], validate_dcat=False)
    row = check_row(res["id"])
    assert row["conformance_ok"] is True and row["rules_score"] is not None
    t = ResourceScore.__table__
    ckan_model.Session.execute(t.update().where(t.c.resource_id == res["id"]).values(
        conformance_ok=False, rules_score=1.0))
    ckan_model.Session.commit()
    stored = store.stored_resource_results([dataset["id"]])[res["id"]]
    assert (stored["conformance_ok"], stored["rules_score"]) == (True, row["rules_score"])
