"""The pages of the standard datasets (/wards/standards, /wards/standards/<id>), which are
the IRIs dct:conformsTo names: HTML, RDF by content negotiation and suffix, 404 for an
unknown id; and a dataset's conformsTo dereferences to its standard's page. On the stack."""
from __future__ import annotations

import json

import pytest
import rdflib
from bs4 import BeautifulSoup
from rdflib import RDF, URIRef
from rdflib.namespace import DCAT, DCTERMS

from ckanext.wards.conformance import standards
from tests.conftest import WARDS_PLUGINS

pytestmark = [
    pytest.mark.ckan_config("ckan.plugins", WARDS_PLUGINS),
    pytest.mark.usefixtures("with_plugins"),
]

SITE = "http://test.ckan.net"  # test.ini's ckan.site_url
TOILET = "13_public_toilet"


def soup(response):
    return BeautifulSoup(response.body, "html.parser")


def test_index_lists_every_standard_with_names_counts_status_and_source(app):
    response = app.get("/wards/standards")
    assert response.status_code == 200
    rows = soup(response).select("#wards-standards-table tbody tr")
    assert [r["data-standard"] for r in rows] == standards.standard_ids() and len(rows) == 27
    toilet = next(r for r in rows if r["data-standard"] == TOILET)
    assert toilet.find("a")["href"] == f"/wards/standards/{TOILET}"
    assert "Public toilets" in toilet.text and "公衆トイレ一覧" in toilet.text
    counts = {c["data-layout"]: c.text for c in toilet.select(".wards-column-count")}
    assert counts["current"].endswith(": 39") and counts["legacy"].endswith(f": {len(standards.columns(TOILET, 'legacy'))}")
    assert toilet.select_one(".wards-status")["data-status"] == "verified"
    assert toilet.select('a[rel="external"]')[0]["href"] == standards.get_standard(TOILET)["source"]
    statuses = {r["data-standard"]: r.select_one(".wards-status")["data-status"] for r in rows}
    assert statuses["16_school_lunch"] == "unverified" and statuses["08_aed"] == "partial"


def test_standard_page_shows_names_source_status_and_every_column(app):
    response = app.get(f"/wards/standards/{TOILET}")
    assert response.status_code == 200 and response.headers["Content-Type"].startswith("text/html")
    assert "Accept" in response.headers.get("Vary", "")
    page = soup(response)
    assert "公衆トイレ一覧" in page.h1.text and "Public toilets" in page.h1.text
    assert page.select_one("code.wards-iri").text == f"{SITE}/wards/standards/{TOILET}"
    assert page.select_one('.wards-standard-facts a[rel="external"]')["href"] == standards.get_standard(TOILET)["source"]
    assert "公衆トイレの一覧。" in page.select_one(".wards-standard-description").text
    rows = page.select("#wards-columns-current tbody tr")
    expected = standards.columns(TOILET)
    assert [r.th.text for r in rows] == [c["name"] for c in expected]
    assert [r.td.text for r in rows] == [str(c["order"]) for c in expected]
    required = {r.th.text for r in rows if r.find("strong")}
    assert required == {"名称", "所在地_連結表記", "設置位置"}
    lat = next(r for r in rows if r.th.text == "緯度")
    assert "Latitude" in lat.text and "latitude" in lat.text  # the type, and the English name as a note
    assert page.select("#wards-columns-legacy tbody tr")
    assert "files are checked for missing and unknown columns" in page.select_one("#layout-current").text


def test_a_standard_without_columns_says_so(app):
    page = soup(app.get("/wards/standards/16_school_lunch"))
    assert not page.select(".wards-columns-table")
    assert "No column list is known" in page.text
    assert page.select_one(".wards-standard-facts .wards-status")["data-status"] == "unverified"


def test_a_number_or_slug_redirects_to_the_id(app):
    response = app.get("/wards/standards/13", follow_redirects=False)
    assert response.status_code == 302 and response.headers["Location"].endswith(f"/wards/standards/{TOILET}")
    response = app.get("/wards/standards/public_toilet.ttl", follow_redirects=False)
    assert response.status_code == 302 and response.headers["Location"].endswith(f"/wards/standards/{TOILET}.ttl")


@pytest.mark.parametrize("path", ["/wards/standards/99_nothing", "/ja/wards/standards/99_nothing",
                                  "/wards/standards/99_nothing.ttl", "/wards/standards/%3Cscript%3E"])
def test_unknown_standard_is_404_in_both_languages(app, path):
    response = app.get(path)
    assert response.status_code == 404
    text = soup(response).get_text()
    assert "No standard dataset has the id" in text and "標準データセット" in text and "はありません" in text
    assert "<script>" not in response.body


def _turtle(app, path, **headers):
    response = app.get(path, headers=headers)
    assert response.status_code == 200, response.body
    return response, rdflib.Graph().parse(data=response.body, format="turtle")


@pytest.mark.parametrize("path, headers", [
    (f"/wards/standards/{TOILET}", {"Accept": "text/turtle"}),
    (f"/wards/standards/{TOILET}", {"Accept": "text/turtle;q=0.9, text/html;q=0.5"}),
    (f"/wards/standards/{TOILET}.ttl", {}),
    (f"/wards/standards/{TOILET}.ttl", {"Accept": "text/html"}),  # the suffix wins
])
def test_turtle_by_accept_header_and_suffix(app, path, headers):
    response, g = _turtle(app, path, **headers)
    assert response.headers["Content-Type"].startswith("text/turtle")
    ref = URIRef(f"{SITE}/wards/standards/{TOILET}")
    assert (ref, RDF.type, DCTERMS.Standard) in g
    assert {(str(t), t.language) for t in g.objects(ref, DCTERMS.title)} == {("公衆トイレ一覧", "ja"), ("Public toilets", "en")}
    assert g.value(ref, DCTERMS.source) == URIRef(standards.get_standard(TOILET)["source"])
    names = {str(n) for n in g.objects(None, URIRef("http://www.w3.org/ns/csvw#name"))}
    assert {c["name"] for c in standards.columns(TOILET)} <= names


def test_json_ld_by_accept_header_and_suffix(app):
    for path, headers in ((f"/wards/standards/{TOILET}.jsonld", {}),
                          (f"/wards/standards/{TOILET}", {"Accept": "application/ld+json"})):
        response = app.get(path, headers=headers)
        assert response.status_code == 200 and response.headers["Content-Type"].startswith("application/ld+json")
        json.loads(response.body)
        g = rdflib.Graph().parse(data=response.body, format="json-ld")
        assert (URIRef(f"{SITE}/wards/standards/{TOILET}"), RDF.type, DCTERMS.Standard) in g


def test_a_browser_gets_the_page(app):
    accept = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"
    response = app.get(f"/wards/standards/{TOILET}", headers={"Accept": accept})
    assert response.headers["Content-Type"].startswith("text/html")
    assert app.get(f"/wards/standards/{TOILET}", headers={"Accept": "*/*"}).headers["Content-Type"].startswith("text/html")


@pytest.mark.usefixtures("clean_db", "clean_index")
def test_conforms_to_of_a_dataset_dereferences_to_its_standard(app, sysadmin, org):
    """The IRI the catalogue writes is a page this portal serves, and parsing the catalogue
    back gives the id again."""
    import ckan.tests.helpers as helpers
    from ckanext.wards.dcat.uris import reverse_maps
    pkg = helpers.call_action("package_create", context={"user": sysadmin["name"]}, name="toilets",
                              title="公衆トイレ", owner_org=org["id"], license_id="CC-BY-4.0",
                              conforms_to=[TOILET])
    g = rdflib.Graph().parse(data=app.get(f"/dataset/{pkg['id']}.ttl").body, format="turtle")
    ds = next(g.subjects(RDF.type, DCAT.Dataset))
    iri = g.value(ds, DCTERMS.conformsTo)
    assert str(iri) == f"{SITE}/wards/standards/{TOILET}"
    assert (iri, RDF.type, DCTERMS.Standard) in g
    path = str(iri)[len(SITE):]
    _, standard = _turtle(app, path, Accept="text/turtle")
    assert (iri, RDF.type, DCTERMS.Standard) in standard
    assert reverse_maps()["standard"].get(str(iri)) == TOILET


@pytest.mark.parametrize("path", ["/wards/standards", f"/wards/standards/{TOILET}", f"/wards/standards/{TOILET}.ttl",
                                  "/wards/standards/99_nothing"])
def test_security_headers_on_the_standards_pages(app, path):
    from ckanext.wards.views import security
    response = app.get(path)
    for name, value in security.headers().items():
        assert response.headers.get(name) == value, (path, name)


def test_harvested_conforms_to_from_another_ward_portal_and_older_iris_parse_to_ids():
    """A harvester reads the standard's id from another ward portal's page IRI, and from
    the IRIs written before the portals served them (data harvested earlier)."""
    from ckanext.dcat.processors import RDFParser
    ttl = """
    @prefix dcat: <http://www.w3.org/ns/dcat#> . @prefix dct: <http://purl.org/dc/terms/> .
    <https://catalog.city.minato.example/dataset/t> a dcat:Dataset ;
        dct:title "公衆トイレ"@ja ;
        dct:conformsTo <https://catalog.city.minato.example/wards/standards/13_public_toilet>,
                       <https://w3id.org/ckanext-wards/standard/08_aed> ;
        dcat:distribution <https://catalog.city.minato.example/dataset/t/resource/1> .
    <https://catalog.city.minato.example/dataset/t/resource/1> a dcat:Distribution ;
        dcat:accessURL <https://catalog.city.minato.example/t.csv> ;
        dct:conformsTo <https://www.digital.go.jp/resources/open_data/municipal-standard-data-set-test#08_aed> .
    """
    parser = RDFParser(profiles=["wards_dcat_ap_3"])
    parser.parse(ttl, _format="turtle")
    [parsed] = list(parser.datasets())
    assert sorted(parsed["conforms_to"]) == ["08_aed", TOILET]
    assert parsed["resources"][0]["conforms_to"] == "08_aed"


@pytest.mark.parametrize("path, headers", [("/wards/standards.ttl", {}),
                                           ("/wards/standards", {"Accept": "text/turtle"})])
def test_index_in_turtle_names_every_standard(app, path, headers):
    _, g = _turtle(app, path, **headers)
    assert set(g.subjects(RDF.type, DCTERMS.Standard)) == {
        URIRef(f"{SITE}/wards/standards/{std_id}") for std_id in standards.standard_ids()}
    assert app.get("/wards/standards.jsonld").headers["Content-Type"].startswith("application/ld+json")
