"""The whole demo catalogue as a harvester reads it (``/catalog.ttl``, every page), on the
real stack:

- pyshacl with the DCAT-AP 3.0.0 shapes, their range shapes and their recommended shapes
  finds no violation, and every warning is one of the listed exceptions, each checked
  against the dataset's own metadata (a recommended property is missing only where the
  data has nothing to fill it with);
- the harvester's DQV query of issue 13 finds every dataset's MQA points, typed as the
  served metric vocabulary says;
- the portal's own IRIs dereference: the metric vocabulary (suffixes, content
  negotiation, HTML to the methodology page), the ward as publisher, a licence without an
  IRI of its own.
"""
from __future__ import annotations

import pytest
from rdflib import Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCAT, DCTERMS as DCT, RDF, XSD

import ckan.tests.factories as factories
import ckan.tests.helpers as helpers

from ckanext.wards import demo
from ckanext.wards.dcat import shacl, uris
from ckanext.wards.formats import classify as formats
from ckanext.wards.lib.fields import field
from ckanext.wards.lib.lists import as_list
from ckanext.wards.scoring import datasets, jobs, store
from tests.conftest import WARDS_PLUGINS

SITE = "http://test.ckan.net"
DQV = Namespace("http://www.w3.org/ns/dqv#")
WM = Namespace(f"{SITE}/wards/metrics#")
PV = Namespace("https://piveau.eu/ns/voc#")
SH = "http://www.w3.org/ns/shacl#"

pytestmark = [
    pytest.mark.ckan_config("ckan.plugins", WARDS_PLUGINS),
    pytest.mark.ckan_config("ckanext.wards.dcat.catalog_licence", "CC-BY-4.0"),
    pytest.mark.ckan_config("ckanext.wards.dcat.catalog_publisher_name", "特別区オープンデータ連絡会"),
    pytest.mark.ckan_config("ckanext.wards.dcat.catalog_publisher_name_en", "Special wards open data council"),
    pytest.mark.usefixtures("clean_db", "clean_index", "with_plugins"),
]


def catalogue_graph(app) -> Graph:
    """Every page of /catalog.ttl, merged."""
    g, page = Graph(), 1
    while True:
        res = app.get(f"/catalog.ttl?page={page}")
        assert res.status_code == 200, res.body[:500]
        g.parse(data=res.body, format="turtle")
        if f"page={page + 1}" not in res.body:
            return g
        page += 1


@pytest.fixture
def demo_catalogue(ckan_config, monkeypatch, tmp_path, app):
    monkeypatch.setitem(ckan_config, "ckan.storage_path", str(tmp_path / "storage"))
    user = factories.Sysadmin()
    result = demo.load(seed=2026, n_wards=3, scale=0.05, user=user["name"])
    # the public ones: private datasets are never in the catalogue
    pkgs = {p["id"]: p for p in datasets.load_datasets(result["package_ids"]) if not p.get("private")}
    return pkgs, catalogue_graph(app)


# --- the listed exceptions: recommended properties the data has nothing for ------------------

def _dataset_lacks(path: str, pkg: dict) -> bool:
    if path == str(DCT.spatial):
        return not as_list(field(pkg, "spatial_coverage"))
    if path == str(DCT.temporal):
        return not [t for t in as_list(field(pkg, "temporal_coverage"))
                    if isinstance(t, dict) and (t.get("start") or t.get("end"))]
    if path == str(DCAT.contactPoint):
        return not as_list(field(pkg, "contact")) and not any(
            pkg.get(k) for k in ("maintainer", "maintainer_email", "author", "author_email"))
    if path == str(DCAT.theme):
        return not as_list(field(pkg, "theme"))
    if path == str(DCAT.keyword):
        return not pkg.get("tags")
    return False


def _distribution_lacks(path: str, pkg: dict, res: dict) -> bool:
    if path == str(DCT["format"]):  # no format the EU file-type table knows
        return not (formats.code_from_label(res.get("format")) or formats.code_from_media_type(res.get("mimetype")))
    if path == str(DCT.license):  # no licence, or "not specified", on the file and its dataset
        return uris.licence_uri(res.get("license")) is None and uris.dataset_licence_uri(pkg) is None \
            and str(pkg.get("license_id") or "").lower() in ("", "notspecified", "not-specified")
    return False


# The portal ships no ward boundaries: a ward's area is e-Stat's Standard Area Code resource,
# which holds the geometry; dcat:bbox and dcat:centroid are not stated for it.
NO_GEOMETRY = {str(DCAT.bbox), str(DCAT.centroid)}
# The schema has no field for an API's description document.
NO_ENDPOINT_DESCRIPTION = {str(DCAT.endpointDescription)}


def _explained(result: dict, g: Graph, pkgs: dict) -> bool:
    focus, path = URIRef(result["focus"]), result["path"]
    types = set(g.objects(focus, RDF.type))
    if DCAT.Dataset in types:
        return _dataset_lacks(path, pkgs[str(focus).rsplit("/", 1)[-1]])
    if DCAT.Distribution in types:
        dataset_id, _, res_id = str(focus).removeprefix(f"{SITE}/dataset/").partition("/resource/")
        pkg = pkgs[dataset_id]
        res = next(r for r in pkg["resources"] if r["id"] == res_id)
        return _distribution_lacks(path, pkg, res)
    if DCT.Location in types:
        return path in NO_GEOMETRY
    if DCAT.DataService in types:
        return path in NO_ENDPOINT_DESCRIPTION
    return False


def test_the_demo_catalogue_has_no_violation_and_only_explained_warnings(demo_catalogue):
    pkgs, g = demo_catalogue
    assert len(pkgs) >= 30 and len(set(g.subjects(RDF.type, DCAT.Dataset))) == len(pkgs)
    results = shacl.validate_graph(g, shacl.shapes_files(full=True))
    assert [shacl.describe(r) for r in results if r["severity"] == "Violation"] == []
    unexplained = [shacl.describe(r) for r in results if not _explained(r, g, pkgs)]
    assert unexplained == []
    warned = {r["path"] for r in results}
    # what the profile fills from data it has is never among the warnings
    filled = {str(DCT.description), "http://data.europa.eu/r5r/availability", str(DCT.publisher),
              str(DCT.type), str(DCAT.themeTaxonomy), str(DCT.issued), str(DCT.modified), str(DCT.language),
              str(DCAT.servesDataset), str(DCAT.distribution)}
    assert not warned & filled
    # the recommended catalogue properties come from settings and the portal's wards
    catalog = URIRef(SITE)
    assert g.value(catalog, DCT.license) == URIRef("http://publications.europa.eu/resource/authority/licence/CC_BY_4_0")
    assert g.value(catalog, DCAT.themeTaxonomy) == URIRef("http://publications.europa.eu/resource/authority/data-theme")
    areas = set(g.objects(catalog, DCT.spatial))
    assert len(areas) == 3 and all(str(a).startswith("http://data.e-stat.go.jp/lod/sac/C131") for a in areas)
    publisher = g.value(catalog, DCT.publisher)
    assert publisher != catalog and Literal("特別区オープンデータ連絡会", lang="ja") in set(
        g.objects(publisher, URIRef("http://xmlns.com/foaf/0.1/name")))


def test_a_harvesters_dqv_query_finds_every_datasets_mqa_points(demo_catalogue):
    pkgs, g = demo_catalogue
    query = """SELECT ?ds ?v { ?ds dqv:hasQualityMeasurement ?m . ?m a dqv:QualityMeasurement ;
               dqv:isMeasurementOf wq:mqaPoints ; dqv:value ?v ; dqv:computedOn ?ds }"""
    rows = {str(ds): v for ds, v in g.query(query, initNs={"dqv": DQV, "wq": WM})}
    stored = {pid: store.dataset_score_row(pid) for pid in pkgs}
    assert rows == {f"{SITE}/dataset/{pid}": Literal(row["mqa_points"], datatype=XSD.integer)
                    for pid, row in stored.items() if row}
    assert len(rows) == len(pkgs)


def test_every_measurement_is_typed_computed_on_its_subject_and_typed_as_its_metric_expects(app, demo_catalogue):
    pkgs, _ = demo_catalogue
    vocabulary = Graph().parse(data=app.get("/wards/metrics.ttl").body, format="turtle")
    pid = next(iter(pkgs))
    jobs.rescore_dataset(pid)
    g = Graph().parse(data=app.get(f"/dataset/{pid}.ttl").body, format="turtle")
    nodes = set(g.subjects(DQV.isMeasurementOf, None))
    assert len(nodes) > 20
    stored = store.dataset_score_row(pid)
    for node in nodes:
        metric = g.value(node, DQV.isMeasurementOf)
        subject = g.value(node, DQV.computedOn)
        assert (node, RDF.type, DQV.QualityMeasurement) in g
        assert (subject, DQV.hasQualityMeasurement, node) in g
        assert g.value(node, URIRef("http://www.w3.org/ns/prov#generatedAtTime")) is not None
        expected = vocabulary.value(metric, DQV.expectedDataType)
        assert expected is not None, f"{metric} is not in the served vocabulary"
        assert g.value(node, DQV.value).datatype == expected, metric
        if str(metric).startswith(str(PV)):
            assert expected in (XSD.boolean, XSD.integer)
    # not assessed: no value, whatever the metric
    for metric_id in stored["not_assessed"]:
        assert not any(g.value(n, DQV.isMeasurementOf) == uris.metric_uri(metric_id) for n in nodes)


def test_the_metric_vocabulary_dereferences(app):
    turtle = app.get("/wards/metrics.ttl")
    assert turtle.status_code == 200 and turtle.headers["Content-Type"].startswith("text/turtle")
    g = Graph().parse(data=turtle.body, format="turtle")
    assert (WM.mqaPoints, RDF.type, DQV.Metric) in g
    assert g.value(WM.mqaPoints, DQV.inDimension) is not None
    assert {lit.language for lit in g.objects(WM.mqaPoints, URIRef("http://www.w3.org/2004/02/skos/core#definition"))} == {"ja", "en"}
    assert (WM.findability, RDF.type, DQV.Dimension) in g
    assert g.value(PV.keywordAvailability, WM.maxPoints) == Literal(30, datatype=XSD.integer)
    assert g.value(PV.accessUrlStatusCode, DQV.expectedDataType) == XSD.integer
    negotiated = app.get("/wards/metrics", headers={"Accept": "application/ld+json"})
    assert negotiated.headers["Content-Type"].startswith("application/ld+json")
    assert len(Graph().parse(data=negotiated.body, format="json-ld")) == len(g)
    browser = app.get("/wards/metrics", headers={"Accept": "text/html"}, follow_redirects=False)
    assert browser.status_code == 303 and browser.headers["Location"].endswith("/wards/methodology")
    assert app.get("/wards/metrics.exe", status=404).status_code == 404


def test_the_ward_as_publisher_and_a_licence_without_an_iri_dereference(app):
    sysadmin = factories.Sysadmin()
    org = helpers.call_action("organization_create", context={"user": sysadmin["name"]},
                              name="chiyoda", title="千代田区", extras=[{"key": "ward_code", "value": "131016"}])
    ttl = app.get("/wards/lg/131016.ttl")
    g = Graph().parse(data=ttl.body, format="turtle")
    ref = URIRef(f"{SITE}/wards/lg/131016")
    assert str(g.value(ref, DCT.identifier)) == "131016"
    assert g.value(ref, DCT.spatial) == URIRef("http://data.e-stat.go.jp/lod/sac/C13101-19700401")
    page = app.get("/wards/lg/131016", headers={"Accept": "text/html"}, follow_redirects=False)
    assert page.status_code == 303 and page.headers["Location"].endswith(f"/wards/{org['name']}")
    wrong = app.get("/wards/lg/131017", status=404)  # a wrong check digit never names a ward
    assert "131017" in wrong.body
    closed = app.get("/ja/wards/licences/CLOSED")
    assert closed.status_code == 200 and "その他（非オープン）" in closed.body
    assert app.get("/wards/licences/NOPE", status=404).status_code == 404
