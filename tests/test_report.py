"""The standard ward report on the real stack: exact figures, privacy, formats, validation."""
from __future__ import annotations

import copy
import csv
import io
import json

import pytest
import rdflib

import ckan.plugins as p
import ckan.tests.factories as factories
import ckan.tests.helpers as helpers

from ckanext.wards import scoring
from ckanext.wards.report import document, export, measurements, open_data_list
from ckanext.wards.report import figures as report_figures
from ckanext.wards.vocab import organizations
from ckanext.wards.scoring import bulk
from tests.conftest import WARDS_PLUGINS

pytestmark = [
    pytest.mark.ckan_config("ckan.plugins", WARDS_PLUGINS),
    pytest.mark.usefixtures("clean_db", "clean_index", "with_plugins"),
]


def _schema_fields_at_top_level() -> bool:
    """The shared schema (scheming) takes fields at the top level; CKAN's default as extras."""
    return p.IDatasetForm.implemented_by(type(p.get_plugin("wards_schema")))


def create_dataset(sysadmin, org, name, resources, license_id="cc-by", private=False, **fields):
    data = dict(name=name, title=name, owner_org=org["id"], license_id=license_id, private=private,
                tags=[{"name": "test"}], resources=resources)
    if _schema_fields_at_top_level():
        data.update(fields)
    elif fields:
        data["extras"] = [{"key": k, "value": json.dumps(v) if isinstance(v, list) else v}
                          for k, v in fields.items()]
    return helpers.call_action("package_create", context={"user": sysadmin["name"]}, **data)


def crafted_ward(sysadmin):
    """Chiyoda with four public datasets and one private one, scored."""
    org = factories.Organization(name="chiyoda-test", title="千代田区テスト",
                                 extras=[{"key": "ward_code", "value": "131016"}])
    create_dataset(sysadmin, org, "toilets", [
        {"url": "https://x.lg.jp/toilets.csv", "format": "CSV"},
        {"url": "https://x.lg.jp/toilets.pdf", "format": "PDF"}], conforms_to=["13_public_toilet"])
    create_dataset(sysadmin, org, "budget", [{"url": "https://x.lg.jp/budget.xlsx", "format": "XLSX"}])
    create_dataset(sysadmin, org, "minutes", [{"url": "https://x.lg.jp/minutes.pdf", "format": "PDF"}],
                   license_id="notspecified")
    create_dataset(sysadmin, org, "map", [{"url": "https://x.lg.jp/wms?service=WMS&request=GetCapabilities",
                                           "format": "WMS"}])
    create_dataset(sysadmin, org, "secret", [{"url": "https://x.lg.jp/secret.csv", "format": "CSV"},
                                             {"url": "https://x.lg.jp/secret.json", "format": "JSON"}],
                   private=True, conforms_to=["13_public_toilet"])
    assert bulk.rescore(org_id=org["id"]) == 5
    return org


def share(doc, key):
    s = doc["shares"][key]
    return s["numerator"], s["denominator"]


def test_report_of_a_crafted_ward_has_exact_numerators_and_denominators(sysadmin):
    org = crafted_ward(sysadmin)
    doc = helpers.call_action("wards_report", organization=org["name"])

    assert document.validation_errors(doc) == []
    assert doc["ward"] == {"code": "131016", "name_ja": "千代田区", "name_en": "Chiyoda City",
                           "organization": "chiyoda-test"}
    # public only: the private dataset and its two resources never count
    assert doc["counts"] == {"datasets": 4, "resources": 5, "tabular_resources_checked": 0,
                             "standards_declared": 1}
    assert share(doc, "standards_verified_by_file") == (0, 1)  # declared, no file checked
    assert share(doc, "resources_level1_pass") == (0, 0)
    assert share(doc, "csv") == (1, 4)
    assert share(doc, "api") == (1, 4)                       # the WMS service
    assert share(doc, "machine_readable_strict") == (2, 4)   # CSV and WMS
    assert share(doc, "machine_readable_broad") == (3, 4)    # plus XLSX
    assert share(doc, "open_licence") == (3, 4)              # not "notspecified"
    assert share(doc, "standard_conformance") == (1, 4)
    assert share(doc, "resources_machine_readable_strict") == (2, 5)
    assert share(doc, "resources_machine_readable_broad") == (3, 5)
    stars = [s["numerator"] for s in doc["star_levels"]]
    assert sum(stars) == 4 and all(s["denominator"] == 4 for s in doc["star_levels"])
    assert stars[1] == 1 and stars[3] >= 1                  # the PDF-only dataset; the CSV one
    ratings = {r["band"]: r["numerator"] for r in doc["ratings"]}
    assert sum(ratings.values()) == 4 and ratings["unscored"] == 0
    assert doc["report_url"].endswith("/wards/report/chiyoda-test.json")


def test_unscored_datasets_count_in_denominators_and_as_unscored(sysadmin):
    org = crafted_ward(sysadmin)
    create_dataset(sysadmin, org, "late", [{"url": "https://x.lg.jp/late.csv", "format": "CSV"}])
    doc = helpers.call_action("wards_report", organization=org["id"])
    assert doc["counts"]["datasets"] == 5
    assert share(doc, "csv") == (1, 5)
    assert {r["band"]: r["numerator"] for r in doc["ratings"]}["unscored"] == 1
    assert document.validation_errors(doc) == []


def test_organisation_without_a_ward_code_is_refused(sysadmin):
    org = factories.Organization(name="parks-department")
    with pytest.raises(p.toolkit.ValidationError):
        helpers.call_action("wards_report", organization=org["name"])
    with pytest.raises(p.toolkit.ObjectNotFound):
        helpers.call_action("wards_report", organization="no-such-org")


def test_ward_is_recognised_by_its_slug_without_an_extra(sysadmin):
    org = factories.Organization(name="minato", title="Minato")
    doc = helpers.call_action("wards_report", organization=org["name"])
    assert doc["ward"]["code"] == "131032" and doc["counts"]["datasets"] == 0
    assert document.validation_errors(doc) == []


@pytest.mark.ckan_config("ckanext.wards.ward_code", "131130")
def test_single_ward_portal_uses_the_configured_code(sysadmin):
    org = factories.Organization(name="kikaku-seisaku")
    doc = helpers.call_action("wards_report", organization=org["name"])
    assert doc["ward"]["code"] == "131130" and doc["ward"]["name_ja"] == "渋谷区"


def test_report_files_json_csv_and_dqv_turtle(app, sysadmin):
    org = crafted_ward(sysadmin)
    as_json = app.get(f"/wards/report/{org['name']}.json")
    doc = json.loads(as_json.body)
    assert doc["counts"]["datasets"] == 4 and document.validation_errors(doc) == []

    raw = app.get(f"/wards/report/{org['name']}.csv").get_data()
    assert raw.startswith(b"\xef\xbb\xbf")  # the BOM Japanese Excel needs
    rows = list(csv.DictReader(io.StringIO(raw.decode("utf-8-sig"))))
    by_metric = {r["metric"]: r for r in rows}
    assert by_metric["csvShare"]["numerator"] == "1" and by_metric["csvShare"]["denominator"] == "4"
    assert by_metric["csvShare"]["value"] == "0.25"
    assert by_metric["datasetCount"]["value"] == "4"
    assert by_metric["csvShare"]["metric_uri"] == "http://test.ckan.net/wards/metrics#csvShare"

    ttl = app.get(f"/wards/report/{org['name']}.ttl")
    assert ttl.headers["Content-Type"].startswith("text/turtle")
    g = rdflib.Graph().parse(data=ttl.body, format="turtle")
    DQV = rdflib.Namespace(measurements.DQV_NS)
    WM = rdflib.Namespace("http://test.ckan.net/wards/metrics#")
    q = """SELECT ?v ?n ?d WHERE { ?m a dqv:QualityMeasurement ; dqv:isMeasurementOf wm:machineReadableBroadShare ;
           dqv:value ?v ; wm:numerator ?n ; wm:denominator ?d }"""
    (value, num, den), = list(g.query(q, initNs={"dqv": DQV, "wm": WM}))
    assert (float(value), int(num), int(den)) == (0.75, 3, 4)
    assert (WM.csvShare, rdflib.RDF.type, DQV.Metric) in g
    measured = {str(o) for o in g.objects(None, DQV.isMeasurementOf)}
    assert len(list(g.subjects(rdflib.RDF.type, DQV.QualityMeasurement))) == len(measured)


def test_national_open_data_list_has_45_columns_one_row_per_public_resource(app, sysadmin):
    org = crafted_ward(sysadmin)
    resp = app.get(f"/wards/report/{org['name']}/open-data-list.csv")
    assert 'filename="131016_open_data_list.csv"' in resp.headers["Content-Disposition"]
    assert resp.data.startswith(b"\xef\xbb\xbf")
    body = resp.data.decode("utf-8")
    rows = list(csv.reader(io.StringIO(body.lstrip("\ufeff"))))
    header, data = rows[0], rows[1:]
    assert len(header) == 45 and header[0] == "データセット_ID" and header[44] == "ファイル_著作権表記"
    assert header == open_data_list.columns()
    assert len(data) == 5 and all(len(r) == 45 for r in data)  # 5 public resources
    col = {name: i for i, name in enumerate(header)}
    assert {r[col["データセット_ID"]] for r in data} == {"toilets", "budget", "minutes", "map"}
    assert {r[col["全国地方公共団体コード"]] for r in data} == {"131016"}
    assert {r[col["地方公共団体名"]] for r in data} == {"東京都千代田区"}
    api = {r[col["ファイル_形式"]]: r[col["ファイル_API対応有無"]] for r in data}
    assert api["WMS"] == "有" and api["CSV"] == "無"
    toilets = [r for r in data if r[col["データセット_ID"]] == "toilets"]
    assert toilets[0][col["データセット_準拠する標準"]] == "13_public_toilet"


# --- the JSON Schema and the checks it cannot express (pure, no stack needed) -----------------

def good_report() -> dict:
    figures = {"datasets": 10, "resources": 14, "mqa_points_mean": 180.5, "japan_points_mean": 40.0,
               **{k: 4 for k in report_figures.DATASET_SHARES}, **{k: 6 for k in report_figures.RESOURCE_SHARES},
               "star0": 0, "star1": 4, "star2": 2, "star3": 3, "star4": 1, "star5": 0,
               "rating_bad": 3, "rating_sufficient": 4, "rating_good": 2, "rating_excellent": 0,
               "rating_unscored": 1}
    return document.build_report(organizations.ward_by_code("131075"), figures, "https://opendata.example.jp",
                                 computed_at="2026-04-01T09:00:00+09:00", org_name="sumida")


def test_a_good_report_is_valid():
    assert document.validation_errors(good_report()) == []


def _breaks(change):
    doc = copy.deepcopy(good_report())
    change(doc)
    return document.validation_errors(doc)


@pytest.mark.parametrize("what, change", [
    ("missing schema version", lambda d: d.pop("schema_version")),
    ("unknown major version", lambda d: d.update(schema_version="2.0")),
    ("ward code not 6 digits", lambda d: d["ward"].update(code="13107")),
    ("wrong check digit", lambda d: d["ward"].update(code="131076")),
    ("no Japanese name", lambda d: d["ward"].pop("name_ja")),
    ("portal URL not http", lambda d: d.update(portal_url="ftp://example.jp")),
    ("time without offset", lambda d: d.update(computed_at="2026-04-01 09:00")),
    ("negative count", lambda d: d["counts"].update(datasets=-1)),
    ("count as string", lambda d: d["counts"].update(resources="14")),
    ("share without denominator", lambda d: d["shares"]["csv"].pop("denominator")),
    ("missing required share", lambda d: d["shares"].pop("api")),
    ("numerator above denominator", lambda d: d["shares"]["csv"].update(numerator=11)),
    ("denominator not the dataset count", lambda d: d["shares"]["csv"].update(denominator=9)),
    ("resource share on datasets", lambda d: d["shares"]["resources_machine_readable_strict"].update(denominator=10)),
    ("five star levels only", lambda d: d["star_levels"].pop()),
    ("star levels out of order", lambda d: d["star_levels"].reverse()),
    ("stars add up to more than datasets", lambda d: d["star_levels"][5].update(numerator=5)),
    ("ratings do not add up", lambda d: d["ratings"][0].update(numerator=0)),
    ("unknown rating band", lambda d: d["ratings"][0].update(band="great")),
    ("extra member in a share", lambda d: d["shares"]["csv"].update(percent=40)),
    ("not an object", lambda d: d.clear() or d.update(x=1)),
])
def test_the_schema_rejects_each_kind_of_bad_report(what, change):
    assert _breaks(change), what


def test_a_newer_minor_version_with_extra_members_is_accepted():
    doc = good_report()
    doc["schema_version"] = "1.7"
    doc["future_member"] = {"anything": True}
    assert document.validation_errors(doc) == []


def test_csv_form_keeps_every_numerator_and_denominator():
    rows = list(csv.DictReader(io.StringIO(export.to_csv(good_report()))))
    shares = [r for r in rows if r["denominator"]]
    assert len(shares) == 8 + 4 + 6 + 5  # shares (4 of the file checks), star levels, ratings
    assert all(int(r["numerator"]) <= int(r["denominator"]) for r in shares)


def test_cached_figures_are_reused_until_a_dataset_of_the_ward_changes(sysadmin):
    org = crafted_ward(sysadmin)
    first = helpers.call_action("wards_report", organization=org["name"])
    again = helpers.call_action("wards_report", organization=org["name"])
    assert again["computed_at"] == first["computed_at"] and again["counts"] == first["counts"]
    create_dataset(sysadmin, org, "late", [{"url": "https://x.lg.jp/late.csv", "format": "CSV"}])
    fresh = helpers.call_action("wards_report", organization=org["name"])
    assert fresh["counts"]["datasets"] == 5  # the new dataset shows at once


@pytest.mark.ckan_config("ckanext.wards.compare.cache_seconds", 0)
def test_without_a_cache_rescores_show_at_once(sysadmin):
    org = crafted_ward(sysadmin)
    assert helpers.call_action("wards_report", organization=org["name"])["shares"]["csv"]["numerator"] == 1
    from ckanext.wards import model as wards_model
    import ckan.model as cm
    t = wards_model.DatasetScore.__table__
    cm.Session.execute(t.update().values(has_csv=True))  # as a re-score job would store
    cm.Session.commit()
    assert helpers.call_action("wards_report", organization=org["name"])["shares"]["csv"]["numerator"] == 4


@pytest.mark.ckan_config("ckanext.wards.compare.cache_seconds", 0)
def test_standard_conformance_is_one_rule_for_the_report_and_the_stored_rows(sysadmin):
    """A standard declared and not failed by the checker (not checked yet counts): the
    report's numerator and ``org_rows``' ``standard_conformant`` are one SQL rule
    (``model.standard_conformant``), so they cannot disagree."""
    from ckanext.wards import model as wards_model
    import ckan.model as cm
    org = factories.Organization(name="sumida-test", extras=[{"key": "ward_code", "value": "131075"}])
    checker = {"undeclared": True, "unchecked": None, "passed": True, "failed": False}
    for name in checker:
        create_dataset(sysadmin, org, name, [{"url": f"https://x.lg.jp/{name}.csv", "format": "CSV"}],
                       **({} if name == "undeclared" else {"conforms_to": ["13_public_toilet"]}))
    assert scoring.rescore(org_id=org["id"]) == 4
    t = wards_model.DatasetScore.__table__
    for name, ok in checker.items():  # as the checker's job would store its result
        cm.Session.execute(t.update().where(t.c.name == name).values(conformance_ok=ok))
    cm.Session.commit()
    rows = {r["name"]: r["standard_conformant"] for r in scoring.org_summary_rows(org["id"])}
    assert rows == {"undeclared": False, "unchecked": True, "passed": True, "failed": False}
    doc = helpers.call_action("wards_report", organization=org["name"])
    assert share(doc, "standard_conformance") == (sum(rows.values()), 4) == (2, 4)


def test_an_edit_recomputes_only_its_own_organisations_figures(sysadmin):
    """Issue 12 item 10: the cache is per organisation, so editing a dataset of ward A
    leaves ward B's cached figures in use (counted by ``report_figures.COMPUTED``)."""
    a = crafted_ward(sysadmin)
    b = factories.Organization(name="sumida-test", extras=[{"key": "ward_code", "value": "131075"}])
    create_dataset(sysadmin, b, "parks", [{"url": "https://x.lg.jp/parks.csv", "format": "CSV"}])
    assert bulk.rescore(org_id=b["id"]) == 1
    ids = [a["id"], b["id"]]
    report_figures._CACHE.clear()
    before = dict(report_figures.COMPUTED)
    figures, _ = report_figures.cached_org_figures(ids)
    assert figures[a["id"]]["datasets"] == 4 and figures[b["id"]]["datasets"] == 1
    report_figures.cached_org_figures(ids)  # warm: nothing recomputed
    counted = {i: report_figures.COMPUTED.get(i, 0) - before.get(i, 0) for i in ids}
    assert counted == {a["id"]: 1, b["id"]: 1}
    helpers.call_action("package_patch", context={"user": sysadmin["name"]}, id="minutes", private=True)
    figures, _ = report_figures.cached_org_figures(ids)
    counted = {i: report_figures.COMPUTED.get(i, 0) - before.get(i, 0) for i in ids}
    assert counted == {a["id"]: 2, b["id"]: 1}
    assert figures[a["id"]] == report_figures.org_figures([a["id"]])[a["id"]]  # A's are correct
    assert figures[a["id"]]["datasets"] == 3 and figures[b["id"]]["datasets"] == 1
    doc = helpers.call_action("wards_report", organization=a["name"])
    assert doc["counts"]["datasets"] == 3
