"""Scoring on the real stack: storage, bulk re-score, background jobs, link checks, search."""
from __future__ import annotations

import http.server
from pathlib import Path

import pytest

import ckan.lib.jobs as ckan_jobs
import ckan.model as model
import ckan.tests.factories as factories
import ckan.tests.helpers as helpers

from ckanext.wards import model as wards_model
from ckanext.wards.scoring import bulk, jobs, linkcheck, spec, states, store
from tests import loopback
from tests.conftest import WARDS_PLUGINS

TOILET_CSV = (Path(__file__).parent / "fixtures" / "standard" / "131016_public_toilet.csv").read_bytes()

pytestmark = [
    pytest.mark.ckan_config("ckan.plugins", WARDS_PLUGINS),
    pytest.mark.usefixtures("clean_db", "clean_index", "with_plugins"),
]


def _create(sysadmin, org, **kw):
    data = dict(name=kw.pop("name"), owner_org=org["id"], license_id="cc-by",
                tags=[{"name": "population"}], maintainer_email="steward@example.lg.jp", **kw)
    return helpers.call_action("package_create", context={"user": sysadmin["name"]}, **data)


def _has_schema_field(name):
    try:
        schema = helpers.call_action("scheming_dataset_schema_show", type="dataset")
    except Exception:  # no scheming: CKAN's default schema
        return False
    return any(f["field_name"] == name for f in schema["dataset_fields"])


def _run_jobs():
    """Run every queued job in this process (CKAN's non-forking test worker)."""
    ckan_jobs.Worker().work(burst=True)


def test_bulk_rescore_stores_what_the_live_action_computes(sysadmin):
    org = factories.Organization()
    pkg = _create(sysadmin, org, name="budget", resources=[
        {"url": "https://example.lg.jp/budget.xls", "format": "エクセル", "mimetype": "application/vnd.ms-excel"},
        {"url": "https://example.lg.jp/budget.pdf", "format": "PDF形式"}])
    assert bulk.rescore(org_id=org["name"]) == 1
    stored = store.dataset_score_row(pkg["id"])
    live = helpers.call_action("wards_dataset_score", context={"user": sysadmin["name"]}, id=pkg["name"])
    # keywords 30 + format 20 + media type 10 + vocabulary 10 + machine-readable 20
    # + licence 20 + known 10 + access rights 10 + vocabulary 5 (none stored: the default
    # PUBLIC) + contact 20 + publisher 10 + issued 5 + modified 5 = 175
    assert live["mqa_points"] == 175 and live["rating"] == "sufficient"
    assert stored["mqa_points"] == 175 and stored["rating"] == "sufficient"
    assert stored["metrics"] == {m["id"]: m["points"] for m in live["metrics"]}
    assert stored["stars"] == 2 and not stored["has_csv"] and stored["machine_readable_broad"] is False
    assert live["fixes"][0]["points_gained"] >= live["fixes"][-1]["points_gained"]

    res = helpers.call_action("wards_resource_score", context={"user": sysadmin["name"]},
                              id=pkg["resources"][1]["id"])
    assert res["code"] == "PDF" and res["stars"] == 1 and not res["mqa_machine_readable"]


def test_org_summary_rows_for_the_ward_report(sysadmin):
    org = factories.Organization()
    _create(sysadmin, org, name="csv-one", resources=[{"url": "https://x.lg.jp/a.csv", "format": "CSV"}])
    _create(sysadmin, org, name="api-one", resources=[{"url": "https://x.lg.jp/api", "format": "API"}])
    _create(sysadmin, org, name="hidden", private=True, resources=[{"url": "https://x.lg.jp/b.csv", "format": "CSV"}])
    gone = _create(sysadmin, org, name="gone", resources=[{"url": "https://x.lg.jp/c.csv", "format": "CSV"}])
    bulk.rescore(all_datasets=True)
    helpers.call_action("package_delete", context={"user": sysadmin["name"]}, id=gone["id"])

    rows = {r["name"]: r for r in store.org_rows(org["id"])}
    assert set(rows) == {"csv-one", "api-one"}
    assert rows["csv-one"]["has_csv"] and not rows["csv-one"]["has_api"]
    assert rows["api-one"]["has_api"] and rows["api-one"]["api_count"] == 1
    assert rows["csv-one"]["machine_readable_strict"] and rows["csv-one"]["stars"] == 3
    assert rows["csv-one"]["open_licence"] and rows["csv-one"]["rating"] in ("bad", "sufficient", "good", "excellent")
    assert rows["csv-one"]["standard_conformant"] is False
    assert {r["name"] for r in store.org_rows(org["name"], include_private=True)} == {"csv-one", "api-one", "hidden"}


def test_standard_conformant_is_one_rule_for_the_scorecard_and_the_report(sysadmin):
    """Declared and not failed by the file checker (not checked counts): the scorecard's rows
    and the ward report's figure read the same SQL expression (store.standard_conformant)."""
    from ckanext.wards.report import figures
    org = factories.Organization()
    verdicts = {"passed": True, "failed": False, "unchecked": None}
    ids = {}
    for name in verdicts:
        pkg = _create(sysadmin, org, name=name, resources=[{"url": "https://x.lg.jp/t.csv", "format": "CSV"}],
                      conforms_to=["13_public_toilet"])
        ids[name] = pkg
    ids["undeclared"] = _create(sysadmin, org, name="undeclared",
                                resources=[{"url": "https://x.lg.jp/u.csv", "format": "CSV"}])
    overrides = {ids[name]["resources"][0]["id"]: {"conformance_ok": verdict} for name, verdict in verdicts.items()}
    bulk.score_batch([p["id"] for p in ids.values()], stored_overrides=overrides)
    rows = {r["name"]: r["standard_conformant"] for r in store.org_rows(org["id"])}
    assert rows == {"passed": True, "failed": False, "unchecked": True, "undeclared": False}
    assert figures.org_figures([org["id"]])[org["id"]]["standard_conformance"] == 2


def test_default_schema_extras_are_read_by_the_bulk_path(sysadmin):
    org = factories.Organization()
    pkg = _create(sysadmin, org, name="with-extras", resources=[{"url": "https://x.lg.jp/a.csv", "format": "CSV", "size": 10}],
                  extras=[{"key": "spatial_text", "value": "千代田区"},
                          {"key": "temporal_start", "value": "2025-04-01"}])
    # access_rights is a schema field now (no extra of that name): none stored, the bulk
    # path applies the default PUBLIC as the live action does
    bulk.rescore(package_ids=[pkg["id"]])
    metrics = store.dataset_score_row(pkg["id"])["metrics"]
    assert metrics["pv:spatialAvailability"] == 20
    assert metrics["pv:temporalAvailability"] == 20
    assert metrics["pv:accessRightsVocabularyAlignment"] == 5
    assert metrics["pv:byteSizeAvailability"] == 5


@pytest.mark.usefixtures("with_test_worker", "clean_queues")
def test_background_rescore_after_an_update(sysadmin):
    org = factories.Organization()
    pkg = _create(sysadmin, org, name="shelters", resources=[{"url": "https://x.lg.jp/s.pdf", "format": "PDF"}])
    _run_jobs()
    before = store.dataset_score_row(pkg["id"])
    assert before["stars"] == 1 and not before["has_csv"]

    helpers.call_action("resource_create", context={"user": sysadmin["name"]}, package_id=pkg["id"],
                        url="https://x.lg.jp/s.csv", format="CSV")
    assert store.dataset_score_row(pkg["id"])["has_csv"] is False  # not yet: the job is queued
    _run_jobs()
    after = store.dataset_score_row(pkg["id"])
    assert after["has_csv"] and after["stars"] == 3 and after["resource_count"] == 2
    assert after["mqa_points"] > before["mqa_points"]

    helpers.call_action("package_delete", context={"user": sysadmin["name"]}, id=pkg["id"])
    _run_jobs()
    assert store.dataset_score_row(pkg["id"]) is None


@pytest.fixture
def file_server(allow_fetch):
    """A loopback HTTP server of ``files[path] = bytes`` the safe fetcher may reach."""
    files: dict[str, bytes] = {}

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self):
            body = files.get(self.path)
            loopback.reply(self, body or b"", "text/csv", 200 if body is not None else 404)

        def log_message(self, *args):
            pass

    server = loopback.start(Handler)
    allow_fetch(loopback.url(server))
    yield loopback.url(server), files
    loopback.stop(server)


@pytest.mark.usefixtures("clean_standard_checks")
def test_the_file_check_job_runs_the_schema_plugins_checker(sysadmin, file_server, ckan_config, monkeypatch):
    """The resource's file-check job runs wards_schema's checker on its file (here served on
    loopback) and re-scores the dataset: a conforming file raises the stored Japan score;
    the dataset's re-score job and bulk re-scoring keep the result; with
    ckanext.wards.file_checks off nothing is fetched."""
    base, files = file_server
    files["/toilets.csv"] = TOILET_CSV
    org = factories.Organization()
    pkg = _create(sysadmin, org, name="toilets", resources=[
        {"url": f"{base}/toilets.csv", "format": "CSV", "conforms_to": "13_public_toilet"}])
    rid = pkg["resources"][0]["id"]
    monkeypatch.setitem(ckan_config, "ckanext.wards.file_checks", "false")
    assert jobs.check_resource_file(rid) is None
    jobs.rescore_dataset(pkg["id"])
    unchecked = store.dataset_score_row(pkg["id"])
    # declared, file not checked: not assessed because file checks are off (it was 15 points
    # before the assessment states), so no fix hint either
    assert unchecked["metrics"]["wq:standardConformance"] == 0
    assert unchecked["not_assessed"]["wq:standardConformance"] == "file_checks_off"
    assert unchecked["not_assessed"]["wq:readabilityRules"] == "file_checks_off"
    assert "wq:standardConformance" not in {f for f, _ in unchecked["fixes"]}
    assert unchecked["metrics"]["wq:readabilityRules"] == 0 and unchecked["conformance_ok"] is None

    monkeypatch.setitem(ckan_config, "ckanext.wards.file_checks", "true")
    assert jobs.check_resource_file(rid)["file_state"] == "checked"
    checked = store.dataset_score_row(pkg["id"])
    assert checked["metrics"]["wq:standardConformance"] == 30 and checked["conformance_ok"] is True
    assert checked["metrics"]["wq:readabilityRules"] > 0
    assert checked["japan_points"] > unchecked["japan_points"]
    assert "wq:standardConformance" not in checked["not_assessed"]
    stored = store.stored_resource_results([pkg["id"]])[rid]
    assert stored["conformance_ok"] is True and 0 < stored["rules_score"] <= 100
    assert stored["file_state"] == "checked" and stored["sniffed_code"] == "CSV"
    jobs.rescore_dataset(pkg["id"])  # the dataset's job: stored file results, nothing fetched
    bulk.rescore(package_ids=[pkg["id"]])  # bulk: no file check, stored results kept
    assert store.dataset_score_row(pkg["id"])["metrics"] == checked["metrics"]


def test_a_file_that_cannot_be_fetched_is_not_assessed(sysadmin, file_server):
    """A remote file that is missing (404) or on a host that does not resolve (no internet
    in tests: example.com) is not assessed, never failed, and fails fast."""
    import time
    base, _files = file_server
    org = factories.Organization()
    pkg = _create(sysadmin, org, name="unreachable", resources=[
        {"url": f"{base}/missing.csv", "format": "CSV", "conforms_to": "13_public_toilet"},
        {"url": "https://example.com/toilets.csv", "format": "CSV"}])
    started = time.perf_counter()
    for res in pkg["resources"]:
        jobs.check_resource_file(res["id"])
    assert time.perf_counter() - started < 5
    row = store.dataset_score_row(pkg["id"])
    # not assessed (it was 15, "declared, not checked", before the assessment states)
    assert row["conformance_ok"] is None and row["metrics"]["wq:standardConformance"] == 0
    assert "wq:standardConformance" in row["not_assessed"]
    assert all(v["conformance_ok"] is None and v["rules_score"] is None
               for v in store.stored_resource_results([pkg["id"]]).values())
    live = helpers.call_action("wards_dataset_score", context={"user": sysadmin["name"]}, id=pkg["id"])
    rules = next(m for m in live["metrics"] if m["id"] == "wq:readabilityRules")
    assert rules["assessed"] is False and rules["points"] == 0 and rules["state"] == "not_assessed"
    assert rules["reason"] in states.reasons() and rules["reason_fix"]


class _Handler(http.server.BaseHTTPRequestHandler):
    def do_HEAD(self):
        self.send_response(200 if self.path.endswith(".csv") else 404)
        self.send_header("Content-Type", "text/csv")
        self.send_header("Content-Length", "42")
        self.end_headers()

    def log_message(self, *args):
        pass


@pytest.fixture
def loopback_server(allow_fetch):
    server = loopback.start(_Handler)
    allow_fetch(loopback.url(server))
    yield loopback.url(server)
    loopback.stop(server)


@pytest.mark.ckan_config("ckanext.wards.linkcheck.enabled", "true")
@pytest.mark.ckan_config("ckanext.wards.linkcheck.host_interval", "0")
@pytest.mark.usefixtures("with_test_worker", "clean_queues")
def test_link_check_job_on_loopback_urls(sysadmin, loopback_server):
    org = factories.Organization()
    pkg = _create(sysadmin, org, name="linked", resources=[
        {"url": f"{loopback_server}/data.csv", "format": "CSV"},
        {"url": f"{loopback_server}/missing.pdf", "format": "PDF"}])
    _run_jobs()  # re-score, which queues the link check, which runs in the same burst
    links = store.link_statuses([f"{loopback_server}/data.csv", f"{loopback_server}/missing.pdf"])
    assert links == {f"{loopback_server}/data.csv": 200, f"{loopback_server}/missing.pdf": 404}
    row = store.dataset_score_row(pkg["id"])
    assert row["metrics"]["pv:accessUrlStatusCode"] == 50
    check = model.Session.query(wards_model.LinkCheck).get(f"{loopback_server}/data.csv")
    assert check.content_length == 42 and check.host == "127.0.0.1"


def test_link_check_records_connection_errors_and_bad_urls(allow_fetch):
    assert linkcheck.head("ftp://example.org/a.csv")["status"] == 1300
    assert linkcheck.head("http://127.0.0.1:9/nothing") == {"status": 1300, "error": "bad_port"}  # not by default
    allow_fetch("http://127.0.0.1:9")
    assert linkcheck.head("http://127.0.0.1:9/nothing") == {"status": 1100, "error": "unreachable"}


def test_search_facets_and_filters_on_score_fields(sysadmin):
    org = factories.Organization()
    _create(sysadmin, org, name="csv-data", resources=[{"url": "https://x.lg.jp/a.csv", "format": "CSV"}])
    _create(sysadmin, org, name="pdf-data", resources=[{"url": "https://x.lg.jp/a.pdf", "format": "PDF"}])
    _create(sysadmin, org, name="api-data", resources=[{"url": "https://x.lg.jp/api", "format": "API"}])
    result = helpers.call_action("package_search", q="*:*", rows=10,
                                 **{"facet.field": '["wards_has_csv", "wards_stars", "wards_machine_readable", "wards_rating", "wards_has_api"]'})
    facets = result["facets"]
    assert facets["wards_has_csv"] == {"true": 1, "false": 2}
    assert facets["wards_stars"] == {"3": 2, "1": 1}
    assert facets["wards_machine_readable"] == {"strict": 2, "no": 1}
    assert facets["wards_has_api"] == {"true": 1, "false": 2}
    assert sum(facets["wards_rating"].values()) == 3
    names = {d["name"] for d in helpers.call_action("package_search", fq="wards_has_csv:true")["results"]}
    assert names == {"csv-data"}
    names = {d["name"] for d in helpers.call_action("package_search", fq="wards_stars:[3 TO 5]")["results"]}
    assert names == {"csv-data", "api-data"}
    names = {d["name"] for d in helpers.call_action("package_search", fq="wards_mqa_points:[000 TO 405]")["results"]}
    assert len(names) == 3


def test_cli_score_and_scorecard(sysadmin, cli):
    from ckanext.wards.cli import wards
    org = factories.Organization(name="chiyoda")
    _create(sysadmin, org, name="a-dataset", title="=HYPERLINK(\"x\")",
            resources=[{"url": "https://x.lg.jp/a.csv", "format": "CSV"}])
    result = cli.invoke(wards, ["score", "--org", "chiyoda"])
    assert result.exit_code == 0, result.output
    assert "scored 1 datasets" in result.output
    result = cli.invoke(wards, ["scorecard", "--org", "chiyoda", "--format", "csv"])
    assert result.exit_code == 0, result.output
    assert "'=HYPERLINK" in result.output
    result = cli.invoke(wards, ["score", "--org", "nowhere"])
    assert result.exit_code != 0 and "organisation not found" in result.output


def test_shared_schema_dataset_scores_its_fields(sysadmin):
    """A dataset entered in the shared schema (wards_schema, scheming) passes the
    findability, contact and distribution metrics from its own fields."""
    if not _has_schema_field("spatial_coverage"):
        pytest.skip("the shared schema (wards_schema) is not a scheming schema yet")
    org = factories.Organization()
    pkg = _create(sysadmin, org, name="shared-schema", theme=["ECON"],
                  spatial_coverage=[{"text": "千代田区", "uri": ""}],
                  temporal_coverage=[{"start": "2025-04-01", "end": "2026-03-31"}],
                  contact=[{"name": "総務課", "email": "soumu@example.lg.jp"}],
                  frequency="irregular",
                  resources=[{"url": "https://x.lg.jp/p.csv", "download_url": "https://x.lg.jp/dl/p.csv",
                              "format": "CSV", "mimetype": "text/csv", "size": 100}])
    bulk.rescore(package_ids=[pkg["id"]])
    metrics = store.dataset_score_row(pkg["id"])["metrics"]
    for metric_id in ("pv:keywordAvailability", "pv:categoryAvailability", "pv:spatialAvailability",
                      "pv:temporalAvailability", "pv:contactPointAvailability",
                      "pv:downloadUrlAvailability", "pv:byteSizeAvailability",
                      "pv:formatMediaTypeVocabularyAlignment", "wq:freshness", "wq:openLicence"):
        assert metrics[metric_id] == spec.metric_by_id()[metric_id]["points"], metric_id
    live = helpers.call_action("wards_dataset_score", context={"user": sysadmin["name"]}, id=pkg["id"])
    assert live["mqa_points"] == store.dataset_score_row(pkg["id"])["mqa_points"]


@pytest.mark.ckan_config("ckan.locale_default", "ja")
def test_cli_scorecard_speaks_the_portals_default_language(sysadmin, cli):
    import json
    from ckanext.wards.cli import wards
    org = factories.Organization(name="chiyoda")
    _create(sysadmin, org, name="a-dataset", resources=[{"url": "https://x.lg.jp/a.pdf", "format": "PDF"}])
    assert cli.invoke(wards, ["score", "--org", "chiyoda"]).exit_code == 0
    cards = {lang: json.loads(cli.invoke(wards, ["scorecard", "--org", "chiyoda", "--format", "json",
                                                 *(["--lang", lang] if lang else [])]).output)
             for lang in (None, "ja", "en")}
    assert cards[None] == cards["ja"] != cards["en"]


def test_an_edit_committed_while_its_state_was_being_scored_is_stale(sysadmin):
    """CKAN stamps metadata_modified when an edit starts; a job that read the state before
    the edit and stored its score after that stamp must not hide the edit from
    ``ckan wards score --stale`` (the edit's own job may be lost with a killed worker)."""
    import datetime as dt
    import sqlalchemy as sa
    org = factories.Organization()
    pkg = _create(sysadmin, org, name="raced", resources=[{"url": "https://x.lg.jp/a.csv", "format": "CSV"}])
    bulk.score_batch([pkg["id"]])
    assert pkg["id"] not in store.outdated_package_ids(org["id"])
    t = wards_model.DatasetScore.__table__
    row = model.Session.execute(sa.select(t.c.scored_at, t.c.scored_modified)
                                .where(t.c.package_id == pkg["id"])).one()
    assert row.scored_modified == model.Package.get(pkg["id"]).metadata_modified
    # The job read the state before the edit (an older metadata_modified) and wrote later.
    model.Session.execute(t.update().where(t.c.package_id == pkg["id"]).values(
        scored_modified=row.scored_modified - dt.timedelta(seconds=1),
        scored_at=row.scored_at + dt.timedelta(minutes=5)))
    model.Session.commit()
    assert store.outdated_package_ids(org["id"]) == [pkg["id"]]
    bulk.rescore(package_ids=store.outdated_package_ids(org["id"]))
    assert store.outdated_package_ids(org["id"]) == []
