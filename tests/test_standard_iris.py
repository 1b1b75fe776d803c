"""The IRIs of the standard datasets (自治体標準オープンデータセット): the portal's own page of
each (``<ckan.site_url>/wards/standards/<id>``), and the parse side that reads it back from
any ward portal, and the IRIs written before the portal served them. No stack."""
from __future__ import annotations

import pytest

import ckan.plugins.toolkit as tk

from ckanext.wards.conformance import standards
from ckanext.wards.dcat import uris

DIGITAL_AGENCY = "https://www.digital.go.jp/resources/open_data/municipal-standard-data-set-test"


@pytest.fixture
def site(monkeypatch):
    """Set ``ckan.site_url`` for one test (the table of IRIs is keyed on it)."""
    def set_site(url: str) -> None:
        monkeypatch.setitem(tk.config, "ckan.site_url", url)
    set_site("https://opendata.city.example.lg.jp")
    return set_site


def test_standard_uri_is_the_portal_page_of_the_standard(site):
    assert uris.standard_uri("13_public_toilet") == "https://opendata.city.example.lg.jp/wards/standards/13_public_toilet"
    # a number, 定義書 number or slug is the standard's id
    assert uris.standard_uri("08") == uris.standard_uri("A-08") == uris.standard_uri("aed") \
        == "https://opendata.city.example.lg.jp/wards/standards/08_aed"
    # an older IRI of a known standard becomes the portal's; another IRI is kept as it is
    assert uris.standard_uri(DIGITAL_AGENCY + "#08_aed").endswith("/wards/standards/08_aed")
    assert uris.standard_uri("https://example.org/spec") == "https://example.org/spec"
    # unknown text cannot break the IRI
    assert uris.standard_uri("no such/standard") == \
        "https://opendata.city.example.lg.jp/wards/standards/no%20such%2Fstandard"
    assert uris.standards()["08_aed"]["labels"] == {"ja": "AED設置箇所一覧", "en": "AED locations"}


def test_no_iri_is_invented_on_another_domain(site):
    for std_id, entry in uris.standards().items():
        assert entry["uri"] == f"https://opendata.city.example.lg.jp/wards/standards/{std_id}"
        assert "w3id.org" not in entry["uri"] and "#" not in entry["uri"]


def test_the_iris_follow_site_url_when_it_changes(site):
    before = uris.standard_uri("08_aed")
    site("http://127.0.0.1:5000/portal/")  # a path prefix, a trailing slash
    assert uris.standard_uri("08_aed") == "http://127.0.0.1:5000/portal/wards/standards/08_aed"
    assert uris.standards()["08_aed"]["uri"] == "http://127.0.0.1:5000/portal/wards/standards/08_aed"
    site("https://opendata.city.example.lg.jp")
    assert uris.standard_uri("08_aed") == before


@pytest.mark.parametrize("iri, expected", [
    ("https://opendata.city.example.lg.jp/wards/standards/08_aed", "08_aed"),       # this portal
    ("https://catalog.city.minato.example/wards/standards/13_public_toilet", "13_public_toilet"),  # another ward's
    ("http://127.0.0.1:5000/portal/wards/standards/06_open_data_list", "06_open_data_list"),  # a path prefix
    ("https://other.example/wards/standards/08_aed/", "08_aed"),
    ("https://w3id.org/ckanext-wards/standard/08_aed", "08_aed"),                     # written before
    (DIGITAL_AGENCY + "#08_aed", "08_aed"),                                           # written before
    ("https://other.example/wards/standards/99_unknown", None),                       # not a standard we know
    ("https://other.example/wards/standards/08_aed/columns", None),
    ("https://other.example/wards/standards/08", None),                              # a number is no id
    (DIGITAL_AGENCY, None),
    ("13_public_toilet", None),
])
def test_reverse_map_reads_every_portal_and_the_older_iris(site, iri, expected):
    assert uris.reverse_maps()["standard"].get(iri) == expected
    site("http://another.site.example")  # the map does not depend on this portal's address
    assert uris.reverse_maps()["standard"].get(iri) == expected


def test_every_standard_round_trips(site):
    rev = uris.reverse_maps()["standard"]
    for std_id in standards.standard_ids():
        assert rev.get(uris.standard_uri(std_id)) == std_id
        assert rev[uris.standard_uri(std_id)] == std_id
    with pytest.raises(KeyError):
        rev["https://other.example/wards/standards/99_unknown"]


def test_rdf_description_of_a_standard(site):
    from rdflib import RDF, RDFS, URIRef
    from rdflib.collection import Collection
    from rdflib.namespace import DCTERMS
    from ckanext.wards.dcat.standard_graph import CSVW, standard_graph

    g = standard_graph("13_public_toilet")
    ref = URIRef("https://opendata.city.example.lg.jp/wards/standards/13_public_toilet")
    assert (ref, RDF.type, DCTERMS.Standard) in g
    assert {(str(t), t.language) for t in g.objects(ref, DCTERMS.title)} == {("公衆トイレ一覧", "ja"), ("Public toilets", "en")}
    assert g.value(ref, DCTERMS.source) == URIRef(DIGITAL_AGENCY) == g.value(ref, RDFS.seeAlso)
    schemas = {str(g.value(s, RDFS.label)): s for s in g.objects(ref, CSVW.tableSchema)}
    assert set(schemas) == {"current (verified)", "legacy (verified)"}
    cols = list(Collection(g, g.value(schemas["current (verified)"], CSVW.column)))
    names = [str(g.value(c, CSVW.name)) for c in cols]
    assert names == [c["name"] for c in standards.columns("13_public_toilet")]
    required = {str(g.value(c, CSVW.name)) for c in cols if g.value(c, CSVW.required).toPython() is True}
    assert required == {"名称", "所在地_連結表記", "設置位置"}
    with pytest.raises(KeyError):
        standard_graph("99_unknown")
