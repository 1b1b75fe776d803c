"""The wards_dcat_ap_3 profile on the real stack: SHACL, round trip, DQV, endpoints.

Datasets are created through package_create with the shared schema; their RDF comes from
ckanext-dcat's own endpoints (or its RDFSerializer, which the endpoints use) and is read
back with plain rdflib.
"""
from __future__ import annotations

import json

import pytest
import rdflib
from rdflib import Namespace, URIRef
from rdflib.namespace import DCAT, DCTERMS as DCT, RDF, XSD

import ckan.tests.factories as factories
import ckan.tests.helpers as helpers

from ckanext.dcat.processors import RDFParser
from ckanext.wards.dcat import shacl, uris
from ckanext.wards.scoring import jobs, spec as scoring_spec, store
from ckanext.wards import model as wards_model
from tests.conftest import WARDS_PLUGINS

DQV = Namespace("http://www.w3.org/ns/dqv#")
HYDRA = Namespace("http://www.w3.org/ns/hydra/core#")
IC = Namespace("http://imi.go.jp/ns/core/rdf#")

pytestmark = [
    pytest.mark.ckan_config("ckan.plugins", WARDS_PLUGINS),
    pytest.mark.ckan_config("ckanext.dcat.rdf.profiles", "wards_dcat_ap_3"),
    pytest.mark.usefixtures("clean_db", "clean_index", "with_plugins"),
]

# rdflib parser name for each ckanext-dcat endpoint extension
RDFLIB_FORMATS = {"ttl": "turtle", "rdf": "xml", "xml": "xml", "jsonld": "json-ld", "n3": "n3"}


@pytest.fixture
def ward(sysadmin):
    return helpers.call_action("organization_create", context={"user": sysadmin["name"]},
                               name="chiyoda", title="千代田区")


def full_dataset(org, name="aed-locations"):
    """Every field of the shared schema filled."""
    return {
        "name": name, "owner_org": org["id"],
        "title": "AED設置箇所一覧", "title_en": "AED locations",
        "notes": "区内のAED（自動体外式除細動器）の設置箇所です。", "notes_en": "Where the AEDs in the ward are.",
        "tag_string": "AED,防災,health",
        "theme": ["HEAL", "JUST"],
        "publisher_code": "131016",
        "contact": [{"name": "千代田区 防災課", "email": "bousai@city.chiyoda.lg.jp",
                     "url": "https://www.city.chiyoda.lg.jp/bousai/"}],
        "license_id": "CC-BY-4.0", "access_rights": "PUBLIC",
        "issued": "2024-04-01", "modified": "2025-03-31", "frequency": "annual",
        "spatial_coverage": [{"uri": "http://data.e-stat.go.jp/lod/sac/C13101", "text": "千代田区"}],
        "temporal_coverage": [{"start": "2024-04-01", "end": "2025-03-31"}],
        "language": ["ja", "en"], "conforms_to": ["08_aed"],
        "url": "https://www.city.chiyoda.lg.jp/aed.html",
        "resources": [
            {"url": "https://www.city.chiyoda.lg.jp/opendata/131016_aed.csv", "name": "AED設置箇所（CSV）",
             "description": "自治体標準オープンデータセット形式", "format": "CSV", "mimetype": "text/csv",
             "character_encoding": "UTF-8", "size": 20480, "issued": "2024-04-01", "modified": "2025-03-31",
             "is_api": False, "access_url": "https://www.city.chiyoda.lg.jp/aed.html",
             "download_url": "https://www.city.chiyoda.lg.jp/opendata/131016_aed.csv",
             "conforms_to": "08_aed", "license": "PDL-1.0",
             "rights": "地図の位置情報：千代田区", "rights_en": "Locations: Chiyoda City"},
            {"url": "https://api.city.chiyoda.lg.jp/aed", "name": "AED API", "description": "JSON API",
             "format": "JSON", "mimetype": "application/json", "is_api": True,
             "access_url": "https://api.city.chiyoda.lg.jp/aed"},
        ],
    }


def minimal_dataset(org, name="minimal"):
    return {"name": name, "owner_org": org["id"], "title": "最小のデータセット",
            "resources": [{"url": "https://www.city.chiyoda.lg.jp/minimal.csv"}]}


def create(sysadmin, data):
    return helpers.call_action("package_create", context={"user": sysadmin["name"]}, **data)


def graph_of(app, path, fmt):
    response = app.get(path)
    assert response.status_code == 200, response.body
    g = rdflib.Graph()
    g.parse(data=response.body, format=RDFLIB_FORMATS[fmt])
    return g


def violations(results):
    return [shacl.describe(r) for r in results if r["severity"] == "Violation"]


# --- SHACL: zero violations, our shapes and the official DCAT-AP 3.0.0 shapes ------------------------

def test_default_shapes_are_ours_and_the_official_dcat_ap_3():
    names = [f.rsplit("/", 1)[-1] for f in shacl.shapes_files()]
    assert names == ["wards-dcat-ap-3-shapes.ttl", "dcat-ap-3.0.0-shacl-shapes.ttl"]
    official = shacl.shapes_graph((shacl.shapes_files()[1],))
    assert (URIRef("https://semiceu.github.io/DCAT-AP/releases/3.0.0/shacl/dcat-ap-SHACL.ttl#dcat:DatasetShape"),
            RDF.type, URIRef("http://www.w3.org/ns/shacl#NodeShape")) in official


def test_full_dataset_has_no_violation(app, sysadmin, ward):
    pkg = create(sysadmin, full_dataset(ward))
    jobs.rescore_dataset(pkg["id"])  # stored scores → DQV measurements in the output
    g = graph_of(app, f"/dataset/{pkg['id']}.ttl", "ttl")
    assert (None, DQV.hasQualityMeasurement, None) in g
    # link checks are off in tests: those metrics are annotations, not values, and stay valid
    assert (None, DQV.hasQualityAnnotation, None) in g
    assert violations(shacl.validate_graph(g)) == []


def test_minimal_dataset_has_no_violation(app, sysadmin, ward):
    pkg = create(sysadmin, minimal_dataset(ward))
    g = graph_of(app, f"/dataset/{pkg['id']}.ttl", "ttl")
    assert violations(shacl.validate_graph(g)) == []


def test_each_shape_set_is_checked_on_its_own(sysadmin, ward):
    """Same result with each file alone (no shape hides another), and the shapes do bite:
    the stock euro_dcat_ap_3 output of the same dataset (plain-string format) fails both."""
    pkg = helpers.call_action("package_show", id=create(sysadmin, full_dataset(ward))["id"])
    ours, official = ([f] for f in shacl.shapes_files())
    graph = shacl.dataset_graph(pkg)
    assert violations(shacl.validate_graph(graph, ours)) == []
    assert violations(shacl.validate_graph(graph, official)) == []

    stock = shacl.dataset_graph(pkg, profiles=["euro_dcat_ap_3"])
    stock_ours = shacl.validate_graph(stock, ours)
    assert any(r["path"] == str(DCT["format"]) and r["component"] == "PatternConstraintComponent" for r in stock_ours)
    assert any(r["path"] == str(DCT["format"]) for r in shacl.validate_graph(stock, official))


def test_catalogue_page_conforms(app, sysadmin, ward):
    create(sysadmin, full_dataset(ward))
    create(sysadmin, minimal_dataset(ward))
    g = graph_of(app, "/catalog.ttl", "ttl")
    assert (None, RDF.type, DCAT.Catalog) in g
    assert violations(shacl.validate_graph(g)) == []


# --- the mapping ---------------------------------------------------------------------------------------

def test_vocabulary_values_are_uris_and_literals_carry_languages(app, sysadmin, ward):
    pkg = create(sysadmin, full_dataset(ward))
    g = graph_of(app, f"/dataset/{pkg['id']}.ttl", "ttl")
    ds = URIRef(f"http://test.ckan.net/dataset/{pkg['id']}")
    titles = {(str(t), t.language) for t in g.objects(ds, DCT.title)}
    assert titles == {("AED設置箇所一覧", "ja"), ("AED locations", "en")}
    assert {t.language for t in g.objects(ds, DCT.description)} == {"ja", "en"}
    csv, api = sorted(g.objects(ds, DCAT.distribution), key=lambda r: str(g.value(r, DCT["format"])))
    assert g.value(csv, DCT["format"]) == URIRef("http://publications.europa.eu/resource/authority/file-type/CSV")
    assert g.value(csv, DCAT.mediaType) == URIRef("https://www.iana.org/assignments/media-types/text/csv")
    assert g.value(api, DCT["format"]) == URIRef("http://publications.europa.eu/resource/authority/file-type/JSON")
    assert g.value(csv, DCT.license) == URIRef("https://www.digital.go.jp/resources/open_data/public_data_license_v1.0")
    assert g.value(api, DCT.license) == URIRef("http://publications.europa.eu/resource/authority/licence/CC_BY_4_0")
    assert g.value(api, DCAT.accessService) is not None
    assert g.value(ds, DCT.accrualPeriodicity) == URIRef("http://publications.europa.eu/resource/authority/frequency/ANNUAL")
    assert set(g.objects(ds, DCT.language)) == {
        URIRef("http://publications.europa.eu/resource/authority/language/JPN"),
        URIRef("http://publications.europa.eu/resource/authority/language/ENG")}
    aed = URIRef("http://test.ckan.net/wards/standards/08_aed")  # the portal's page of the standard
    assert (ds, DCT.conformsTo, aed) in g and (csv, DCT.conformsTo, aed) in g
    # licences come from a vocabulary: not the stock profile's "UnknownIPR" placeholder type
    assert (None, DCT.type, URIRef("http://purl.org/adms/licencetype/UnknownIPR")) not in g
    assert (g.value(csv, DCT.license), RDF.type, DCT.LicenseDocument) in g
    # themes are labelled concepts from schemas/vocab/themes.yaml
    theme = URIRef("http://publications.europa.eu/resource/authority/data-theme/HEAL")
    assert (ds, DCAT.theme, theme) in g
    labels = {(str(label), label.language) for label in g.objects(theme, URIRef("http://www.w3.org/2004/02/skos/core#prefLabel"))}
    assert labels == {(text, lang) for lang, text in uris.themes()["HEAL"]["labels"].items()} and len(labels) == 2


def test_publisher_is_the_ward_with_its_code_in_dcat_and_imi(app, sysadmin, ward):
    pkg = create(sysadmin, full_dataset(ward))
    g = graph_of(app, f"/dataset/{pkg['id']}.ttl", "ttl")
    ds = URIRef(f"http://test.ckan.net/dataset/{pkg['id']}")
    publisher = g.value(ds, DCT.publisher)
    assert publisher == URIRef("http://test.ckan.net/wards/lg/131016")
    assert str(g.value(publisher, DCT.identifier)) == "131016"
    assert {(str(n), n.language) for n in g.objects(publisher, URIRef("http://xmlns.com/foaf/0.1/name"))} \
        == {("千代田区", "ja"), ("Chiyoda City", "en")}
    assert (publisher, RDF.type, IC["組織型"]) in g
    id_node = g.value(publisher, IC["ID"])
    assert str(g.value(id_node, IC["識別値"])) == "131016"
    contact = g.value(ds, DCAT.contactPoint)
    assert (contact, RDF.type, URIRef("http://www.w3.org/2006/vcard/ns#Kind")) in g
    assert (contact, RDF.type, IC["連絡先型"]) in g
    assert str(g.value(contact, IC["Eメールアドレス"])) == "bousai@city.chiyoda.lg.jp"


def test_publisher_falls_back_to_the_organisations_ward(app, sysadmin, ward):
    pkg = create(sysadmin, minimal_dataset(ward))  # no publisher_code: the organisation is 千代田区
    g = graph_of(app, f"/dataset/{pkg['id']}.ttl", "ttl")
    publisher = g.value(URIRef(f"http://test.ckan.net/dataset/{pkg['id']}"), DCT.publisher)
    assert str(g.value(publisher, DCT.identifier)) == "131016"


# --- round trip -----------------------------------------------------------------------------------------

def _shared_fields(pkg):
    """The shared schema's fields of a package_show dict, normalised for comparison."""
    keys = ("title", "title_en", "notes", "notes_en", "theme", "publisher_code", "contact",
            "license_id", "access_rights", "issued", "modified", "frequency", "spatial_coverage",
            "temporal_coverage", "language", "conforms_to", "url")
    out = {k: pkg.get(k) for k in keys if pkg.get(k) not in (None, "", [])}
    for k in ("theme", "language", "conforms_to"):
        if k in out:
            out[k] = sorted(out[k])
    out["tags"] = sorted(t["name"] for t in pkg.get("tags") or [])
    res_keys = ("url", "name", "description", "format", "mimetype", "character_encoding", "size",
                "issued", "modified", "is_api", "access_url", "download_url", "conforms_to", "license",
                "rights", "rights_en")
    out["resources"] = sorted(
        ({k: r.get(k) for k in res_keys if r.get(k) not in (None, "")} for r in pkg.get("resources") or []),
        key=lambda r: r["url"])
    for r in out["resources"]:
        if "is_api" in r:
            r["is_api"] = r["is_api"] in (True, "true", "True")
        if "size" in r:
            r["size"] = int(r["size"])
    return out


@pytest.mark.parametrize("fmt", ["ttl", "jsonld", "rdf"])
def test_round_trip_keeps_every_field(app, sysadmin, ward, fmt):
    """create → serialise (endpoint) → parse (our profile) → create again → compare."""
    original = create(sysadmin, full_dataset(ward))
    body = app.get(f"/dataset/{original['id']}.{fmt}").body
    parser = RDFParser(profiles=["wards_dcat_ap_3"])
    parser.parse(body, _format=RDFLIB_FORMATS[fmt])
    parsed = list(parser.datasets())
    assert len(parsed) == 1
    harvested = dict(parsed[0], name="harvested-copy", owner_org=ward["id"])
    for res in harvested["resources"]:
        res.pop("uri", None), res.pop("distribution_ref", None)
    copy = create(sysadmin, harvested)

    expected = _shared_fields(helpers.call_action("package_show", id=original["id"]))
    got = _shared_fields(helpers.call_action("package_show", id=copy["id"]))
    for exp_res, got_res in zip(expected.pop("resources"), got.pop("resources")):
        assert {k: (got_res.get(k), v) for k, v in exp_res.items() if got_res.get(k) != v} == {}
    assert {k: (got.get(k), v) for k, v in expected.items() if got.get(k) != v} == {}
    assert set(got) == set(expected)


def test_round_trip_of_the_minimal_dataset_keeps_what_it_has(app, sysadmin, ward):
    original = create(sysadmin, minimal_dataset(ward))
    parser = RDFParser(profiles=["wards_dcat_ap_3"])
    parser.parse(app.get(f"/dataset/{original['id']}.ttl").body, _format="turtle")
    parsed = list(parser.datasets())[0]
    assert parsed["title"] == original["title"]
    assert parsed["publisher_code"] == "131016"
    assert [r["url"] for r in parsed["resources"]] == [original["resources"][0]["url"]]


def test_plain_dcat_ap_3_from_another_portal_parses():
    """Another portal's DCAT-AP 3 (no wards extras) still maps onto the shared fields."""
    ttl = """
    @prefix dcat: <http://www.w3.org/ns/dcat#> . @prefix dct: <http://purl.org/dc/terms/> .
    <https://other.example/dataset/x> a dcat:Dataset ;
        dct:title "避難所一覧"@ja, "Evacuation shelters"@en ; dct:description "区の避難所"@ja ;
        dct:language <http://publications.europa.eu/resource/authority/language/JPN> ;
        dct:accrualPeriodicity <http://publications.europa.eu/resource/authority/frequency/MONTHLY> ;
        dcat:distribution <https://other.example/dataset/x/resource/1> .
    <https://other.example/dataset/x/resource/1> a dcat:Distribution ;
        dcat:accessURL <https://other.example/shelters.csv> ;
        dct:format <http://publications.europa.eu/resource/authority/file-type/CSV> ;
        dct:license <http://publications.europa.eu/resource/authority/licence/CC_BY_4_0> .
    """
    parser = RDFParser(profiles=["wards_dcat_ap_3"])
    parser.parse(ttl, _format="turtle")
    d = list(parser.datasets())[0]
    assert (d["title"], d["title_en"], d["language"], d["frequency"], d["license_id"]) == \
        ("避難所一覧", "Evacuation shelters", ["ja"], "monthly", "CC-BY-4.0")
    assert d["resources"][0]["format"] == "CSV"


# --- DQV = stored scores -------------------------------------------------------------------------------

def test_dqv_measurements_equal_the_stored_scores(app, sysadmin, ward):
    pkg = create(sysadmin, full_dataset(ward))
    jobs.rescore_dataset(pkg["id"])
    jobs.validate_dataset(pkg["id"])  # the DCAT-AP check: a job of its own
    stored = store.dataset_score_row(pkg["id"])
    resource_rows = {r["id"]: r for r in pkg["resources"]}
    g = graph_of(app, f"/dataset/{pkg['id']}.jsonld", "jsonld")
    ds = URIRef(f"http://test.ckan.net/dataset/{pkg['id']}")

    def measured(subject):
        out = {}
        for node in g.objects(subject, DQV.hasQualityMeasurement):
            metric = str(g.value(node, DQV.isMeasurementOf))
            assert metric not in out  # one measurement per metric
            out[metric] = g.value(node, DQV.value).toPython()
        return out

    got = measured(ds)
    # a metric not assessed has no dqv:value (tests/test_scoring_states.py: an annotation);
    # an MQA metric is whether it passed (piveau's booleans), ours its points; the two
    # status-code metrics are on the distributions, where the link checker read a status
    points_of = {m["id"]: m["points"] for m in scoring_spec.metrics()}
    expected = {str(uris.metric_uri(k)): (v >= points_of[k] if k.startswith("pv:") else v)
                for k, v in stored["metrics"].items()
                if k not in stored["not_assessed"] and k not in uris.spec()["status_code_fields"]}
    expected.update({str(uris.metric_uri(t["metric"])): stored[t["column"]] for t in uris.spec()["dataset_totals"]
                     if stored[t["column"]] is not None})
    assert got == expected
    assert got["https://piveau.eu/ns/voc#keywordAvailability"] is True
    assert got["http://test.ckan.net/wards/metrics#mqaPoints"] == stored["mqa_points"] > 0
    assert got["http://test.ckan.net/wards/metrics#fiveStars"] == stored["metrics"]["wq:fiveStars"]
    assert stored["dcat_compliant"] is True  # the DCAT-AP job ran our SHACL validation

    import sqlalchemy as sa
    import ckan.model as cm
    t = wards_model.ResourceScore.__table__
    rows = {r["resource_id"]: dict(r) for r in cm.Session.execute(
        sa.select(t).where(t.c.package_id == pkg["id"])).mappings()}
    assert set(rows) == set(resource_rows)
    mismatch = str(uris.metric_uri("wq:formatMismatch"))
    for res_id, row in rows.items():
        got = measured(URIRef(f"http://test.ckan.net/dataset/{pkg['id']}/resource/{res_id}"))
        expected = {str(uris.metric_uri(f["metric"])): row[f["column"]] for f in uris.spec()["distribution_figures"]}
        if resource_rows[res_id]["name"] == "AED API":
            # declared JSON, nothing detected (no file read, no extension in the URL): the
            # format match was not assessed, so no value is published (not even false)
            assert row["format_mismatch"] is False and mismatch not in got
            expected.pop(mismatch)
        else:
            assert got[mismatch] is False  # CSV declared, .csv detected: assessed
        assert got == expected


def test_unscored_dataset_has_no_measurements(app, sysadmin, ward):
    pkg = create(sysadmin, minimal_dataset(ward))
    assert store.dataset_score_row(pkg["id"]) is None  # re-score job queued, not run
    g = graph_of(app, f"/dataset/{pkg['id']}.ttl", "ttl")
    assert (None, DQV.hasQualityMeasurement, None) not in g  # nothing made up


# --- endpoints: private datasets, serialisations, paging -------------------------------------------------

def test_private_datasets_never_appear(app, sysadmin, ward):
    public = create(sysadmin, full_dataset(ward, name="public-one"))
    private = create(sysadmin, dict(full_dataset(ward, name="private-one"), private=True))
    token = factories.APIToken(user=sysadmin["name"])["token"]
    for fmt in ("ttl", "rdf", "jsonld", "xml"):
        for headers in ({}, {"Authorization": token}):
            body = app.get(f"/catalog.{fmt}", headers=headers).body
            assert public["id"] in body
            assert private["id"] not in body and "private-one" not in body
    assert app.get(f"/dataset/{private['id']}.ttl").status_code in (403, 404)


@pytest.mark.ckan_config("ckanext.dcat.datasets_per_page", "2")
@pytest.mark.parametrize("fmt", ["ttl", "rdf", "jsonld", "xml"])
def test_every_catalogue_serialisation_parses_with_plain_rdflib_and_pages(app, sysadmin, ward, fmt):
    ids = {create(sysadmin, full_dataset(ward, name=f"set-{i}"))["id"] for i in range(5)}
    seen, url, pages = [], f"/catalog.{fmt}", 0
    while url:
        g = graph_of(app, url, fmt)
        pages += 1
        datasets = {str(s).rsplit("/", 1)[-1] for s in g.subjects(RDF.type, DCAT.Dataset)}
        assert len(datasets) <= 2
        seen.extend(datasets)
        paging = next(g.subjects(RDF.type, HYDRA.PagedCollection))
        assert int(g.value(paging, HYDRA.totalItems)) == 5
        nxt = g.value(paging, HYDRA.next)
        url = str(nxt).replace("http://test.ckan.net", "") if nxt is not None else None
    assert pages == 3 and sorted(seen) == sorted(ids)


@pytest.mark.parametrize("fmt", ["ttl", "rdf", "jsonld", "xml", "n3"])
def test_every_dataset_serialisation_parses_with_plain_rdflib(app, sysadmin, ward, fmt):
    pkg = create(sysadmin, full_dataset(ward))
    g = graph_of(app, f"/dataset/{pkg['id']}.{fmt}", fmt)
    ds = URIRef(f"http://test.ckan.net/dataset/{pkg['id']}")
    assert (ds, RDF.type, DCAT.Dataset) in g
    assert len(list(g.objects(ds, DCAT.distribution))) == 2
    assert {t.language for t in g.objects(ds, DCT.title)} == {"ja", "en"}


# --- wiring: IWardsScoring, CLI ----------------------------------------------------------------------------

def test_scoring_dcat_assessment_is_our_validator(monkeypatch):
    """wards_dcat is an IWardsScoring plugin whose dataset assessment is our SHACL validator."""
    import ckan.plugins as p
    from ckanext.wards.scoring import extensions
    plugin = p.get_plugin("wards_dcat")
    assert plugin in extensions.plugins() and extensions.assesses("wards_assess_dataset")
    seen = []
    monkeypatch.setattr(shacl, "dcat_validator", lambda pkg: seen.append(pkg) or False)
    assert plugin.wards_assess_dataset({"id": "x"}) == {"dcat_compliant": False}
    assert extensions.assess_dataset({"id": "y"}) == {"dcat_compliant": False}
    assert seen == [{"id": "x"}, {"id": "y"}]


def test_validate_dcat_command_reports_in_japanese_and_english(cli, sysadmin, ward, tmp_path):
    from ckan.cli.cli import ckan
    pkg = create(sysadmin, full_dataset(ward))
    result = cli.invoke(ckan, ["wards", "validate-dcat", "--dataset", pkg["name"], "--lang", "ja"])
    assert result.exit_code == 0, result.output
    assert f"データセット {pkg['name']}: 適合" in result.output

    # a shapes file the output cannot meet: the violation is reported in both languages
    strict = tmp_path / "strict.ttl"
    strict.write_text("""
        @prefix sh: <http://www.w3.org/ns/shacl#> . @prefix dcat: <http://www.w3.org/ns/dcat#> .
        <urn:s> a sh:NodeShape ; sh:targetClass dcat:Dataset ;
          sh:property [ sh:path dcat:spatialResolutionInMeters ; sh:minCount 1 ] .""", encoding="utf-8")
    for lang, words in (("ja", "必須の値がありません"), ("en", "a required value is missing")):
        result = cli.invoke(ckan, ["wards", "validate-dcat", "--dataset", pkg["name"],
                                   "--shapes", str(strict), "--lang", lang])
        assert result.exit_code == 1
        assert words in result.output and "spatialResolutionInMeters" in result.output


# --- catalogue pages: summary measurements, page cache ----------------------------------------------

def _measured(g, subject):
    return {str(g.value(m, DQV.isMeasurementOf)): g.value(m, DQV.value).toPython()
            for m in g.objects(subject, DQV.hasQualityMeasurement)}


def test_catalogue_pages_carry_the_stored_totals(app, sysadmin, ward):
    pkg = create(sysadmin, full_dataset(ward))
    jobs.rescore_dataset(pkg["id"])
    stored = store.dataset_score_row(pkg["id"])
    g = graph_of(app, "/catalog.ttl", "ttl")
    got = _measured(g, URIRef(f"http://test.ckan.net/dataset/{pkg['id']}"))
    assert got == {str(uris.metric_uri(t["metric"])): stored[t["column"]] for t in uris.spec()["dataset_totals"]
                   if stored[t["column"]] is not None}


@pytest.mark.ckan_config("ckanext.wards.dcat.catalog_measurements", "all")
def test_catalogue_pages_can_carry_every_metric(app, sysadmin, ward):
    pkg = create(sysadmin, full_dataset(ward))
    jobs.rescore_dataset(pkg["id"])
    stored = store.dataset_score_row(pkg["id"])
    got = _measured(graph_of(app, "/catalog.ttl", "ttl"), URIRef(f"http://test.ckan.net/dataset/{pkg['id']}"))
    points_of = {m["id"]: m["points"] for m in scoring_spec.metrics()}
    assert {str(uris.metric_uri(k)): (v >= points_of[k] if k.startswith("pv:") else v)
            for k, v in stored["metrics"].items()
            if k not in stored["not_assessed"] and k not in uris.spec()["status_code_fields"]}.items() <= got.items()


@pytest.mark.ckan_config("ckanext.wards.dcat.catalog_cache_ttl", "600")
def test_catalogue_cache_serves_repeats_and_sees_changes(app, sysadmin, ward):
    from ckan.lib.redis import connect_to_redis
    from ckanext.wards.dcat import cache
    redis = connect_to_redis()
    for key in redis.scan_iter(cache.PREFIX + "*"):
        redis.delete(key)
    pkg = create(sysadmin, full_dataset(ward))
    first = app.get("/catalog.ttl").body
    assert list(redis.scan_iter(cache.PREFIX + "*"))  # stored
    assert app.get("/catalog.ttl").body == first
    helpers.call_action("package_patch", context={"user": sysadmin["name"]}, id=pkg["id"], title="AED一覧（改訂）")
    assert "AED一覧（改訂）" in app.get("/catalog.ttl").body
    private = create(sysadmin, dict(full_dataset(ward, name="private-two"), private=True))
    assert private["id"] not in app.get("/catalog.ttl").body


@pytest.mark.ckan_config("ckanext.wards.dcat.catalog_cache_ttl", "0")
def test_modified_since_is_read_as_every_date_is(app, sysadmin, ward):
    """``lib.dates.read_datetime``: an offset is converted to UTC (it reached Solr as
    ``...+09:00Z`` before, and failed), a Japanese era date is a date; a later date leaves
    the dataset out, and text that is no date is a 409."""
    from urllib.parse import quote
    ds = URIRef(f"http://test.ckan.net/dataset/{create(sysadmin, full_dataset(ward))['id']}")
    for since in ("2000-01-01T09:00:00+09:00", "平成12年1月1日", "2000-01-01", "2000-01-01T00:00:00Z"):
        assert (ds, RDF.type, DCAT.Dataset) in graph_of(app, f"/catalog.ttl?modified_since={quote(since)}", "ttl")
    assert (ds, RDF.type, DCAT.Dataset) not in graph_of(app, "/catalog.ttl?modified_since=2999-01-01", "ttl")
    assert app.get("/catalog.ttl?modified_since=not-a-date").status_code == 409


# --- who writes the Turtle -------------------------------------------------------------------------

@pytest.mark.ckan_config("ckanext.wards.dcat.catalog_cache_ttl", "0")
@pytest.mark.parametrize("path, writer", [("/catalog.ttl", "turtle"), ("/dataset/{id}.ttl", "turtle"),
                                          ("/catalog.jsonld", "jsonld")])
def test_our_writers_and_rdflibs_write_the_same_graph(app, sysadmin, ward, path, writer, monkeypatch):
    import importlib
    from rdflib.compare import isomorphic
    from ckan.plugins import toolkit as tk
    module = importlib.import_module(f"ckanext.wards.dcat.writers.{writer}")
    pkg = create(sysadmin, full_dataset(ward))
    create(sysadmin, minimal_dataset(ward))
    jobs.rescore_dataset(pkg["id"])
    url = path.format(id=pkg["id"])
    calls = []
    monkeypatch.setattr(module, "serialize", lambda g, _real=module.serialize: calls.append(1) or _real(g))
    ours = app.get(url).body
    assert calls, "the page was not written by our writer"
    monkeypatch.setitem(tk.config, "ckanext.wards.dcat.rdf_writers", "rdflib")
    theirs = app.get(url).body
    assert len(calls) == 1  # the second page came from rdflib
    graphs = []
    for body in (ours, theirs):
        g = rdflib.Graph()
        g.parse(data=body, format="turtle" if writer == "turtle" else "json-ld")
        graphs.append(g)
    assert len(graphs[0]) > 100 and isomorphic(*graphs)
    if writer == "turtle":
        assert "@prefix dcat: <http://www.w3.org/ns/dcat#>" in ours and " a dcat:Dataset" in ours
    else:
        assert json.loads(ours)[0]["@id"]


def test_other_profiles_are_served_by_ckanext_dcat_unchanged(app, sysadmin, ward, monkeypatch):
    from ckanext.wards.dcat.writers import turtle
    pkg = create(sysadmin, full_dataset(ward))
    jobs.rescore_dataset(pkg["id"])
    monkeypatch.setattr(turtle, "serialize", lambda g: pytest.fail("our writer wrote a stock page"))
    g = graph_of(app, f"/dataset/{pkg['id']}.ttl?profiles=euro_dcat_ap_3", "ttl")
    assert (URIRef(f"http://test.ckan.net/dataset/{pkg['id']}"), RDF.type, DCAT.Dataset) in g
    assert (None, DQV.hasQualityMeasurement, None) not in g
    assert (None, RDF.type, DCAT.Catalog) in graph_of(app, "/catalog.ttl?profiles=euro_dcat_ap_3", "ttl")


def test_our_profile_is_used_when_the_ini_names_none(tmp_path):
    """wards_dcat sets ckanext.dcat.rdf.profiles only when the operator's ini (or the
    environment) does not: test.ini names euro_dcat_ap_3 explicitly, a copy without it not."""
    import os
    from ckanext.wards.config.ini import set_explicitly
    ini = os.path.join(os.path.dirname(os.path.dirname(__file__)), "test.ini")
    assert set_explicitly({"__file__": ini}, "ckanext.dcat.rdf.profiles")
    bare = tmp_path / "bare.ini"
    with open(ini, encoding="utf-8") as f:
        bare.write_text("".join(line for line in f if "rdf.profiles" not in line), encoding="utf-8")
    assert not set_explicitly({"__file__": str(bare)}, "ckanext.dcat.rdf.profiles")



def test_an_ipv6_host_keeps_its_brackets_on_dataset_and_catalogue_pages(app, sysadmin, ward):
    """ckanext-dcat's IRI cleaning percent-encodes ``[`` and ``]``; the profile puts the
    IP-literal host back (RFC 3986), and a path's own %5B stays as it is."""
    data = minimal_dataset(ward, name="ipv6-data")
    data["resources"] = [{"name": "AED", "format": "CSV", "url": "http://[2001:db8::1]:8080/aed%5B1%5D.csv"}]
    pkg = create(sysadmin, data)
    assert pkg["resources"][0]["url"] == "http://[2001:db8::1]:8080/aed%5B1%5D.csv"
    for path in (f"/dataset/{pkg['id']}.ttl", "/catalog.ttl"):
        g = graph_of(app, path, "ttl")
        dist = g.value(URIRef(f"http://test.ckan.net/dataset/{pkg['id']}"), DCAT.distribution)
        urls = {str(o) for p in (DCAT.accessURL, DCAT.downloadURL) for o in g.objects(dist, p)}
        assert "http://[2001:db8::1]:8080/aed%5B1%5D.csv" in urls, (path, urls)
        assert not any("%5B2001" in u for u in urls)
