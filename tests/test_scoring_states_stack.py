"""Assessment states on the real stack: every not-assessed reason appears, with the command
that would assess it, in the stored score, the scorecard JSON, CSV and page; fix hints
never name a not-assessed check; the DQV output has no value for one; the ward report
carries the share of assessable points earned."""
from __future__ import annotations

import html
import json

import pytest
import rdflib
from rdflib.namespace import DCTERMS

import ckan.tests.factories as factories
import ckan.tests.helpers as helpers

from ckanext.wards.dcat import uris
from ckanext.wards.scoring import bulk, spec, states, store
from tests.conftest import WARDS_PLUGINS

# ckan.plugins per test (a module mark would win over a test's own)
WITH_WARDS = pytest.mark.ckan_config("ckan.plugins", WARDS_PLUGINS)
pytestmark = [
    pytest.mark.ckan_config("ckanext.dcat.rdf.profiles", "wards_dcat_ap_3"),
    pytest.mark.usefixtures("clean_db", "clean_index", "with_plugins"),
]

DQV = rdflib.Namespace("http://www.w3.org/ns/dqv#")
# The reasons the file-check pipeline stores per resource (file_state/file_reason), given
# here as the re-score job's overrides (the pipeline's own table is another part of issue 17).
FILE_REASONS = ("file_unreachable", "file_too_large", "not_tabular", "check_failed")


def _create(sysadmin, org, name, url=None, **kw):
    resource = {"url": f"https://opendata.example.lg.jp/{name}.csv" if url is None else url, "format": "CSV"}
    return helpers.call_action(
        "package_create", context={"user": sysadmin["name"]}, name=name, title=f"{name} データ",
        owner_org=org["id"], license_id="cc-by", tags=[{"name": "population"}],
        maintainer_email="steward@example.lg.jp", conforms_to=["13_public_toilet"],
        resources=[resource], **kw)


@pytest.fixture
def scored(sysadmin, ckan_config, monkeypatch):
    """One organisation whose datasets, between them, are not assessed for every reason
    but validator_not_enabled (wards_dcat is loaded here; see the test without it)."""
    org = factories.Organization(name="states-ward")
    expected: dict[str, str] = {}  # dataset name → a reason it must show
    plain = _create(sysadmin, org, "links-off")            # link checks off, DCAT and files not run
    bulk.rescore(package_ids=[plain["id"]])
    expected.update({"links-off": "link_checks_off"})
    pending = _create(sysadmin, org, "links-pending")
    monkeypatch.setitem(ckan_config, "ckanext.wards.linkcheck.enabled", "true")
    bulk.rescore(package_ids=[pending["id"]])
    monkeypatch.setitem(ckan_config, "ckanext.wards.linkcheck.enabled", "false")
    expected["links-pending"] = "link_not_checked"
    off = _create(sysadmin, org, "files-off")
    monkeypatch.setitem(ckan_config, "ckanext.wards.file_checks", "false")
    bulk.rescore(package_ids=[off["id"]])
    monkeypatch.setitem(ckan_config, "ckanext.wards.file_checks", "true")
    expected["files-off"] = "file_checks_off"
    nofile = _create(sysadmin, org, "no-file", url="")
    bulk.rescore(package_ids=[nofile["id"]])
    expected["no-file"] = "no_file"
    for reason in FILE_REASONS:
        name = reason.replace("_", "-")
        pkg = _create(sysadmin, org, name)
        bulk.score_batch([pkg["id"]], stored_overrides={
            pkg["resources"][0]["id"]: {"file_state": "not_assessed", "file_reason": reason}})
        expected[name] = reason
    return org, expected


@WITH_WARDS
def test_every_reason_is_stored_and_shown_with_its_command(app, sysadmin, scored):
    org, expected = scored
    every = set(expected.values()) | {"not_yet_run", "dcat_not_checked"}
    assert every == set(states.reasons()) - {"validator_not_enabled"}
    # stored: the dataset rows say which metrics were not assessed and why
    stored = {}
    for name in expected:
        pkg = helpers.call_action("package_show", id=name)
        stored[name] = store.dataset_score_row(pkg["id"])
        assert expected[name] in stored[name]["not_assessed"].values(), (name, stored[name]["not_assessed"])
        assert stored[name]["not_assessed"]["pv:dcatApCompliance"] == "dcat_not_checked"
        assert stored[name]["mqa_assessed_max"] == 405 - sum(
            spec.metric_by_id()[m]["points"] for m in stored[name]["not_assessed"] if spec.is_mqa(spec.metric_by_id()[m]))
        assert stored[name]["mqa_assessed_share"] == round(stored[name]["mqa_points"] / stored[name]["mqa_assessed_max"], 4)
        # never a fix hint for what was not assessed
        assert not {mid for mid, _ in stored[name]["fixes"]} & set(stored[name]["not_assessed"])
    assert stored["links-off"]["not_assessed"]["wq:standardConformance"] == "not_yet_run"

    # the scorecard JSON: per row, the reason and the command that would assess it
    card = json.loads(app.get(f"/organization/{org['name']}/scorecard.json").body)
    rows = {r["name"]: r for r in card["rows"]}
    vocab = states.reasons()
    seen = set()
    for name, reason in expected.items():
        details = [m for m in rows[name]["not_assessed"] if m["reason"] == reason]
        assert details, (name, rows[name]["not_assessed"])
        for m in rows[name]["not_assessed"]:
            seen.add(m["reason"])
            assert m["reason_label"] == vocab[m["reason"]]["label"]["en"]
            assert m["reason_fix"] == vocab[m["reason"]]["fix"]["en"].replace("{dataset}", name)
            assert m["label"] not in rows[name]["failing"]
        assert rows[name]["top_fix"] not in {spec.text(spec.metric_by_id()[m["id"]], "fix", "en")
                                             for m in rows[name]["not_assessed"]}
    assert seen == every
    counts = card["totals"]["not_assessed_reasons"]
    # all but links-pending (checks on) and no-file (no URL: failed, the steward gives one)
    assert counts["link_checks_off"] == len(expected) - 2 and counts["link_not_checked"] == 1
    assert rows["no-file"]["failing"] and "pv:accessUrlStatusCode" not in stored["no-file"]["not_assessed"]
    assert counts["dcat_not_checked"] == len(expected) and counts["validator_not_enabled"] == 0
    assert counts["file_too_large"] == 1
    assert 0 < card["totals"]["mqa_assessed_share_mean"] <= 1

    # the page: greyed, each reason with its command (for the dataset, and in the totals)
    page = html.unescape(app.get(f"/organization/{org['name']}/scorecard").body)
    for code in every:
        assert vocab[code]["label"]["en"] in page, code
    assert vocab["file_checks_off"]["fix"]["en"].replace("{dataset}", "files-off") in page
    assert vocab["link_not_checked"]["fix"]["en"].replace("{dataset}", "links-pending") in page
    assert 'class="wards-not-assessed text-muted"' in page
    ja_page = html.unescape(app.get(f"/ja/organization/{org['name']}/scorecard").body)
    assert vocab["file_too_large"]["label"]["ja"] in ja_page
    assert vocab["file_too_large"]["fix"]["ja"].replace("{dataset}", "file-too-large") in ja_page

    # the CSV download keeps them apart too
    text = app.get(f"/organization/{org['name']}/scorecard.csv").body
    assert "not_assessed" in text.splitlines()[0]
    assert vocab["no_file"]["fix"]["en"].replace("{dataset}", "no-file") in text


@WITH_WARDS
def test_the_dataset_score_action_and_the_dqv_output(app, sysadmin, scored):
    org, expected = scored
    pkg = helpers.call_action("package_show", id="links-off")
    score = helpers.call_action("wards_dataset_score", context={"user": sysadmin["name"]}, id=pkg["id"], lang="ja")
    by_id = {m["id"]: m for m in score["metrics"]}
    access = by_id["pv:accessUrlStatusCode"]
    assert access["state"] == "not_assessed" and access["reason"] == "link_checks_off"
    assert access["reason_label"] == "リンクチェックが無効"
    assert "ckanext.wards.linkcheck.enabled = true" in access["reason_fix"]
    assert "ckan wards score --dataset links-off" in access["reason_fix"]
    assert by_id["pv:keywordAvailability"]["state"] == "passed"
    assert {f["id"] for f in score["fixes"]}.isdisjoint(score["not_assessed"])
    assert all(by_id[f["id"]]["state"] == "failed" for f in score["fixes"])
    assert {d["id"] for d in score["not_assessed_details"]} == set(score["not_assessed"])
    res = helpers.call_action("wards_resource_score", id=pkg["resources"][0]["id"], lang="en")
    check = next(c for c in res["checks"] if c["id"] == "pv:accessUrlStatusCode")
    assert check["state"] == "not_assessed" and check["reason_label"] == "Link checks switched off"

    # DQV: no dqv:value for a metric not assessed, an annotation saying why instead
    g = rdflib.Graph()
    g.parse(data=app.get(f"/dataset/{pkg['id']}.ttl").body, format="turtle")
    ds = rdflib.URIRef(f"http://test.ckan.net/dataset/{pkg['id']}")
    measured = {g.value(n, DQV.isMeasurementOf) for n in g.objects(ds, DQV.hasQualityMeasurement)}
    annotated = {g.value(n, DCTERMS.subject) for n in g.objects(ds, DQV.hasQualityAnnotation)}
    row = store.dataset_score_row(pkg["id"])
    assert row["not_assessed"]
    for mid in row["not_assessed"]:
        assert uris.metric_uri(mid) not in measured and uris.metric_uri(mid) in annotated, mid
    assert uris.metric_uri("pv:keywordAvailability") in measured
    assert uris.metric_uri("wq:mqaAssessedShare") in measured


@pytest.mark.ckan_config("ckan.plugins", "activity dcat wards_schema wards_scoring wards_compare")
def test_without_wards_dcat_the_validator_is_not_enabled(app, sysadmin):
    org = factories.Organization(name="no-dcat-ward")
    pkg = _create(sysadmin, org, "no-dcat")
    bulk.rescore(package_ids=[pkg["id"]])
    assert store.dataset_score_row(pkg["id"])["not_assessed"]["pv:dcatApCompliance"] == "validator_not_enabled"
    card = json.loads(app.get(f"/organization/{org['name']}/scorecard.json").body)
    detail = next(m for m in card["rows"][0]["not_assessed"] if m["id"] == "pv:dcatApCompliance")
    assert detail["reason"] == "validator_not_enabled"
    assert "wards_dcat" in detail["reason_fix"] and "--validate-dcat --dataset no-dcat" in detail["reason_fix"]
    assert card["totals"]["not_assessed_reasons"]["validator_not_enabled"] == 1
    assert detail["reason_fix"] in html.unescape(app.get(f"/organization/{org['name']}/scorecard").body)


@WITH_WARDS
def test_the_ward_report_carries_the_share_of_assessable_points(sysadmin):
    org = factories.Organization(name="chiyoda-states", extras=[{"key": "ward_code", "value": "131016"}])
    a, b = _create(sysadmin, org, "report-a"), _create(sysadmin, org, "report-b")
    bulk.rescore(org_id=org["id"])
    doc = helpers.call_action("wards_report", organization=org["name"])
    rows = [store.dataset_score_row(p["id"]) for p in (a, b)]
    quality = doc["quality"]
    assert quality["mqa_assessed_points"] == {"numerator": sum(r["mqa_points"] for r in rows),
                                              "denominator": sum(r["mqa_assessed_max"] for r in rows)}
    assert quality["mqa_assessed_share"] == round(quality["mqa_assessed_points"]["numerator"]
                                                  / quality["mqa_assessed_points"]["denominator"], 4)
    assert quality["mqa_points_mean"] == round(sum(r["mqa_points"] for r in rows) / 2, 1)  # as EU counts
    assert quality["mqa_assessed_share"] > quality["mqa_points_mean"] / 405
    from ckanext.wards.report import document, measurements
    assert document.validation_errors(doc) == []
    # a ratio in the report's measurements (CSV, DQV, ward page), not a share of datasets
    assessed = next(m for m in measurements.measurements(doc) if m["metric"] == "mqaAssessedShare")
    assert assessed["kind"] == "ratio" and assessed["value"] == quality["mqa_assessed_share"]
    assert assessed["denominator"] is None
    from ckanext.wards.compare import comparison
    assert comparison.comparison_row(doc, "local")["mqa_assessed_share"] == round(100 * quality["mqa_assessed_share"], 1)


@WITH_WARDS
def test_a_stored_reason_the_vocabulary_does_not_list_still_renders(app, sysadmin):
    """Another plugin's check (or a code renamed since the row was stored) gives a reason
    metrics.yaml does not list: the scorecard shows the code, never a 500."""
    import ckan.model as model
    from ckanext.wards.model import DatasetScore
    org = factories.Organization(name="odd-reason-ward")
    pkg = _create(sysadmin, org, "odd-reason")
    bulk.rescore(package_ids=[pkg["id"]])
    row = model.Session.query(DatasetScore).filter_by(package_id=pkg["id"]).one()
    assert row.not_assessed and "another_plugins_reason" not in states.reasons()
    metric = sorted(row.not_assessed)[0]
    row.not_assessed = {**row.not_assessed, metric: "another_plugins_reason"}
    model.Session.commit()
    page = app.get(f"/organization/{org['name']}/scorecard")
    assert page.status_code == 200
    text = html.unescape(page.body)
    assert 'data-reason="another_plugins_reason"' in text and "another_plugins_reason: 1" in text
    card = json.loads(app.get(f"/organization/{org['name']}/scorecard.json").body)
    assert card["totals"]["not_assessed_reasons"]["another_plugins_reason"] == 1
    detail = next(m for m in card["rows"][0]["not_assessed"] if m["id"] == metric)
    assert (detail["reason"], detail["reason_label"]) == ("another_plugins_reason", "another_plugins_reason")
    # the known reasons keep their texts beside it
    known = next(m for m in card["rows"][0]["not_assessed"] if m["reason"] in states.reasons())
    assert known["reason_label"] == states.reasons()[known["reason"]]["label"]["en"]
