"""How the wards_dcat_ap_3 profile reads a dataset's values, checked in its DCAT output
without the stack: multi-valued text through ``lib.lists.as_list`` (``population、health``
is two values, as the validator reads it), flags through ``lib.flags.truthy``, fields at
the top level or in extras through ``lib.fields.field``, and vocabularies through the
schema's strict loader (a missing file is an error, not an empty vocabulary)."""
from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from urllib.parse import unquote

import pytest
from rdflib import URIRef
from rdflib.namespace import DCAT, DCTERMS as DCT, RDF

from ckanext.wards.dcat import shacl, uris

SITE = "https://data.example.lg.jp"
EU = "http://publications.europa.eu/resource/authority/"


@pytest.fixture
def site(monkeypatch):
    from ckan.plugins import toolkit as tk
    monkeypatch.setitem(tk.config, "ckan.site_url", SITE)
    return SITE


def default_schema_dataset(extras, resources=()):
    """A dataset of a portal still in CKAN's default schema: its fields are extras."""
    return {"id": "shelters", "name": "shelters", "title": "避難所一覧",
            "extras": [{"key": k, "value": v} for k, v in extras.items()],
            "resources": [dict(r, id=f"r{i}", package_id="shelters") for i, r in enumerate(resources)]}


def dataset_ref(g):
    return next(g.subjects(RDF.type, DCAT.Dataset))


def test_text_separated_by_japanese_commas_is_several_values(site):
    g = shacl.dataset_graph(default_schema_dataset({
        "theme": "population、health", "language": "ja；en",
        "conforms_to": "08_aed，13_public_toilet"}))
    ds = dataset_ref(g)
    assert set(g.objects(ds, DCAT.theme)) == {URIRef(uris.theme_uri("population")),
                                              URIRef(uris.theme_uri("health"))}
    assert set(g.objects(ds, DCT.language)) == {URIRef(EU + "language/JPN"), URIRef(EU + "language/ENG")}
    assert set(g.objects(ds, DCT.conformsTo)) == {URIRef(uris.standard_uri("08_aed")),
                                                  URIRef(uris.standard_uri("13_public_toilet"))}


def test_vocabulary_terms_in_text_and_in_json_lists_read_alike(site):
    expected = {URIRef(EU + "data-theme/HEAL"), URIRef(EU + "data-theme/JUST")}
    for value in ("HEAL、JUST", "HEAL, JUST", '["HEAL", "JUST"]'):
        g = shacl.dataset_graph(default_schema_dataset({"theme": value}))
        assert set(g.objects(dataset_ref(g), DCAT.theme)) == expected, value


def test_a_url_with_commas_stays_one_value(site):
    url = "https://example.lg.jp/standards?ids=1,2"
    g = shacl.dataset_graph(default_schema_dataset({"conforms_to": url}))
    # one IRI (ckanext-dcat's IRI cleaning writes the comma as %2C)
    assert [unquote(str(o)) for o in g.objects(dataset_ref(g), DCT.conformsTo)] == [url]


@pytest.mark.parametrize("flag, api", [("はい", True), ("true", True), ("有", True),
                                       ("いいえ", False), ("false", False), ("", False)])
def test_is_api_is_read_as_the_metadata_flags_are(site, flag, api):
    g = shacl.dataset_graph(default_schema_dataset(
        {}, [{"url": "https://api.example.lg.jp/shelters", "format": "JSON", "is_api": flag}]))
    assert ((None, DCAT.accessService, None) in g) is api


def test_a_missing_vocabulary_file_is_an_error_not_an_empty_vocabulary(tmp_path):
    """The old DCAT loader gave no themes for a missing themes.yaml; the schema's loader
    (which the validators use too) raises: the package is incomplete."""
    schemas = tmp_path / "schemas"
    (schemas / "dcat").mkdir(parents=True)
    (schemas / "vocab").mkdir()
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    (schemas / "dcat" / "profile.yaml").write_bytes(
        open(os.path.join(root, "schemas", "dcat", "profile.yaml"), "rb").read())
    script = textwrap.dedent(f"""
        from pathlib import Path
        from ckanext.wards import paths
        paths.data_dir = lambda name: Path({str(tmp_path)!r}) / name
        from ckanext.wards.dcat import uris
        try:
            uris.themes()
        except FileNotFoundError as err:
            print("missing:", Path(err.filename).name)
        else:
            print("no error")
    """)
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=120)
    assert out.stdout.strip() == "missing: themes.yaml", out.stderr[-2000:]
