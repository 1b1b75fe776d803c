"""Access rights (dataset) and rights (resource) on the real stack: the form's and the API's
validation, the default PUBLIC for datasets that store none, migrate, the DCAT output
(SHACL) and its parse, and the points a dataset filled in through the schema earns."""
from __future__ import annotations

import pytest
import rdflib
from rdflib import Literal, URIRef
from rdflib.namespace import DCTERMS as DCT, RDF, RDFS

import ckan.model as model
import ckan.plugins.toolkit as tk
from ckan.tests import helpers

from ckanext.dcat.processors import RDFParser
from ckanext.wards.dcat import shacl
from ckanext.wards.schema import migrate
from tests import webform
from tests.conftest import WARDS_PLUGINS

pytestmark = [
    pytest.mark.ckan_config("ckan.plugins", WARDS_PLUGINS),
    pytest.mark.ckan_config("ckanext.dcat.rdf.profiles", "wards_dcat_ap_3"),
    pytest.mark.usefixtures("clean_db", "clean_index", "with_plugins"),
]

EU = "http://publications.europa.eu/resource/authority/access-right/"


@pytest.fixture
def ward(sysadmin):
    return helpers.call_action("organization_create", context={"user": sysadmin["name"]},
                               name="chiyoda", title="千代田区")


def dataset(org, name="shelters", **fields):
    data = {"name": name, "owner_org": org["id"], "title": "避難所一覧", "license_id": "CC-BY-4.0",
            "resources": [{"url": "https://www.city.chiyoda.lg.jp/opendata/shelters.csv", "format": "CSV",
                           "rights": "地図データ：国土地理院", "rights_en": "Map data: GSI Japan"}]}
    data.update(fields)
    return data


def create(sysadmin, data):
    return helpers.call_action("package_create", context={"user": sysadmin["name"]}, **data)


def stored_extras(package_id):
    model.Session.expire_all()  # CKAN's session keeps objects across commits
    return dict(model.Package.get(package_id).extras)


def graph(app, package_id):
    g = rdflib.Graph()
    g.parse(data=app.get(f"/dataset/{package_id}.ttl").body, format="turtle")
    return g


# --- validation --------------------------------------------------------------------------

@pytest.mark.parametrize("given, stored", [("PUBLIC", "PUBLIC"), (EU + "RESTRICTED", "RESTRICTED"),
                                           ("非公開", "NON_PUBLIC"), ("public", "PUBLIC")])
def test_access_rights_are_stored_as_the_eu_code(sysadmin, ward, given, stored):
    pkg = create(sysadmin, dataset(ward, access_rights=given))
    assert pkg["access_rights"] == stored
    assert stored_extras(pkg["id"])["access_rights"] == stored


def test_a_bad_access_right_is_a_409_with_a_clear_message(app, sysadmin, ward):
    with pytest.raises(tk.ValidationError) as e:
        create(sysadmin, dataset(ward, access_rights="nonsense"))
    assert e.value.error_dict["access_rights"] == [
        "Unknown access rights: nonsense. Use one of the EU access rights (PUBLIC, RESTRICTED, NON_PUBLIC)"]
    response = app.post("/api/3/action/package_create", json=dataset(ward, access_rights="nonsense"),
                        headers={"Authorization": sysadmin["token"]}, status=409)
    assert "nonsense" in response.json["error"]["access_rights"][0]
    # Japanese: the same 4xx (the msgid's translation is merged from NEW_MESSAGES.po)
    app.post("/ja/api/3/action/package_create", json=dataset(ward, access_rights="nonsense"),
             headers={"Authorization": sysadmin["token"]}, status=409)
    assert model.Session.query(model.Package).filter_by(name="shelters").first() is None


# --- the default PUBLIC --------------------------------------------------------------------

def test_a_dataset_without_access_rights_is_shown_as_public_and_a_form_save_stores_it(app, sysadmin, ward):
    pkg = create(sysadmin, dataset(ward))
    assert "access_rights" not in stored_extras(pkg["id"])  # nothing invented in the database
    shown = helpers.call_action("package_show", id=pkg["id"])
    assert shown["access_rights"] == "PUBLIC"
    raw = helpers.call_action("package_show", context={"validate": False}, id=pkg["id"])
    assert "access_rights" not in raw  # as stored: what migrate reads
    page = app.get(f"/dataset/{pkg['name']}").get_data(as_text=True)
    assert "Access rights" in page and "Public" in page
    # the edit form starts on PUBLIC: an unchanged save stores it, and shows what it showed
    response = webform.save_unchanged(webform.sysadmin_client(app), f"/dataset/edit/{pkg['name']}", "dataset-edit")
    assert response.status_code == 302, response.get_data(as_text=True)[-2000:]
    assert stored_extras(pkg["id"])["access_rights"] == "PUBLIC"
    again = helpers.call_action("package_show", id=pkg["id"])
    # (an empty `extras` list is dropped by any form save, as before this field existed)
    def kept(d):
        return {k: v for k, v in d.items() if k != "metadata_modified" and not (k == "extras" and not v)}
    assert kept(again) == kept(shown)
    assert (again["resources"][0]["rights"], again["resources"][0]["rights_en"]) == \
        ("地図データ：国土地理院", "Map data: GSI Japan")


def test_the_new_dataset_form_starts_on_public(app, sysadmin, ward):
    page = app.get("/dataset/new", headers={"Authorization": sysadmin["token"]}).get_data(as_text=True)
    select = page[page.index('name="access_rights"'):]
    select = select[:select.index("</select>")]
    assert '<option value=""' not in select  # no blank choice
    assert select.index('value="PUBLIC"') < select.index('value="RESTRICTED"') < select.index('value="NON_PUBLIC"')
    assert 'value="PUBLIC" selected' in select


# --- migrate -------------------------------------------------------------------------------

def _legacy(org, name, extras):
    pkg = model.Package(name=name, title="避難所", license_id="cc-by", owner_org=org["id"],
                        type="dataset", state="active", private=False)
    model.Session.add(pkg)
    pkg.extras = dict(extras)
    model.Session.flush()
    model.Session.add(model.Resource(package_id=pkg.id, url="https://x.lg.jp/a.csv", format="CSV",
                                     extras={"著作権": "千代田区"}))
    model.repo.commit_and_remove()
    return model.Package.get(name).id


def test_migrate_maps_legacy_access_rights_and_gives_the_others_public(sysadmin, ward):
    mapped_id = _legacy(ward, "legacy-mapped", {"accessRights": EU + "NON_PUBLIC"})
    default_id = _legacy(ward, "legacy-default", {})
    parked_id = _legacy(ward, "legacy-parked", {"アクセス権": "庁内限定"})
    reports = {r["name"]: r for r in migrate.migrate([mapped_id, default_id, parked_id],
                                                      {"user": sysadmin["name"]}, dry_run=False)}
    assert not any(r["errors"] for r in reports.values())
    mapped = {m["field"]: (m["source"], m["value"]) for m in reports["legacy-mapped"]["mapped"]}
    assert mapped["access_rights"] == ("extras.accessRights", "NON_PUBLIC")
    assert stored_extras(mapped_id)["access_rights"] == "NON_PUBLIC"
    default = {m["field"]: (m["source"], m["value"]) for m in reports["legacy-default"]["mapped"]}
    assert default["access_rights"] == ("default", "PUBLIC")
    assert stored_extras(default_id)["access_rights"] == "PUBLIC"
    # a statement the vocabulary does not know is kept, and is not overwritten by the default
    parked = stored_extras(parked_id)
    assert parked.get("wards_unmapped_access_rights") == "庁内限定" and "access_rights" not in parked
    assert helpers.call_action("package_show", id=parked_id).get("access_rights") is None
    resource = helpers.call_action("package_show", id=default_id)["resources"][0]
    assert resource["rights"] == "千代田区"
    # a second run leaves them alone
    again = migrate.migrate([mapped_id, default_id], {"user": sysadmin["name"]}, dry_run=False)
    assert [r["skipped"] for r in again] == [True, True]


def test_a_form_save_keeps_a_parked_statement_and_an_explicit_choice_replaces_it(app, sysadmin, ward):
    from bs4 import BeautifulSoup
    from werkzeug.datastructures import MultiDict
    from ckanext.wards.vocab import access_rights
    parked_id = _legacy(ward, "legacy-parked", {"アクセス権": "庁内限定"})
    [report] = migrate.migrate([parked_id], {"user": sysadmin["name"]}, dry_run=False)
    assert report["applied"] and stored_extras(parked_id).get("wards_unmapped_access_rights") == "庁内限定"
    client = webform.sysadmin_client(app)
    url = "/dataset/edit/legacy-parked"
    page = client.get(url).get_data(as_text=True)
    select = BeautifulSoup(page, "html.parser").find("select", attrs={"name": "access_rights"})
    [chosen] = [o for o in select.find_all("option") if o.has_attr("selected")]
    assert "庁内限定" in chosen.text and chosen["value"] not in ("PUBLIC", "RESTRICTED", "NON_PUBLIC")
    # an unrelated save (the notes changed) keeps the statement: not PUBLIC, not rejected
    fields = [(k, "改訂" if k == "notes" else v) for k, v in webform.form_fields(page, "dataset-edit")]
    response = client.post(url, data=MultiDict(fields), follow_redirects=False)
    assert response.status_code == 302, response.get_data(as_text=True)[-2000:]
    kept = stored_extras(parked_id)
    assert kept.get("wards_unmapped_access_rights") == "庁内限定" and "access_rights" not in kept
    shown = helpers.call_action("package_show", id=parked_id)
    assert shown["notes"] == "改訂" and access_rights.code_of(shown) == "庁内限定"
    # choosing PUBLIC stores it, and it is then what the dataset states
    page = client.get(url).get_data(as_text=True)
    fields = [(k, "PUBLIC" if k == "access_rights" else v) for k, v in webform.form_fields(page, "dataset-edit")]
    response = client.post(url, data=MultiDict(fields), follow_redirects=False)
    assert response.status_code == 302, response.get_data(as_text=True)[-2000:]
    assert stored_extras(parked_id)["access_rights"] == "PUBLIC"
    assert access_rights.code_of(helpers.call_action("package_show", id=parked_id)) == "PUBLIC"
    # the statement is no longer offered as the current one
    page = client.get(url).get_data(as_text=True)
    select = BeautifulSoup(page, "html.parser").find("select", attrs={"name": "access_rights"})
    assert "庁内限定" not in select.text
    assert [o["value"] for o in select.find_all("option") if o.has_attr("selected")] == ["PUBLIC"]


def test_migrate_stores_the_default_on_a_shared_schema_dataset_once(sysadmin, ward):
    pkg = create(sysadmin, dataset(ward))
    [first] = migrate.migrate([pkg["id"]], {"user": sysadmin["name"]}, dry_run=False)
    assert first["applied"] and [m for m in first["mapped"] if m["field"] == "access_rights"] == [
        {"field": "access_rights", "source": "default", "value": "PUBLIC"}]
    assert stored_extras(pkg["id"])["access_rights"] == "PUBLIC"
    [second] = migrate.migrate([pkg["id"]], {"user": sysadmin["name"]}, dry_run=False)
    assert second["skipped"] and not second["applied"]


# --- DCAT ----------------------------------------------------------------------------------

def test_dcat_output_states_access_rights_and_rights_and_passes_shacl(app, sysadmin, ward):
    stored = create(sysadmin, dataset(ward, name="restricted", access_rights="RESTRICTED"))
    default = create(sysadmin, dataset(ward, name="default"))
    for pkg, code in ((stored, "RESTRICTED"), (default, "PUBLIC")):
        g = graph(app, pkg["id"])
        [ref] = list(g.subjects(RDF.type, URIRef("http://www.w3.org/ns/dcat#Dataset")))
        assert list(g.objects(ref, DCT.accessRights)) == [URIRef(EU + code)]
        assert (URIRef(EU + code), RDF.type, DCT.RightsStatement) in g
        [dist] = list(g.objects(ref, URIRef("http://www.w3.org/ns/dcat#distribution")))
        [statement] = list(g.objects(dist, DCT.rights))
        assert (statement, RDF.type, DCT.RightsStatement) in g
        assert set(g.objects(statement, RDFS.label)) == {Literal("地図データ：国土地理院", lang="ja"),
                                                          Literal("Map data: GSI Japan", lang="en")}
        violations = [shacl.describe(r) for r in shacl.validate_graph(g) if r["severity"] == "Violation"]
        assert violations == []


def test_dcat_round_trip_keeps_access_rights_and_rights(app, sysadmin, ward):
    original = create(sysadmin, dataset(ward, access_rights="NON_PUBLIC", resources=[
        {"url": "https://x.lg.jp/a.csv", "format": "CSV", "rights": "出典：千代田区", "rights_en": "Source: Chiyoda City"},
        {"url": "https://x.lg.jp/b.csv", "format": "CSV", "rights": "https://www.city.chiyoda.lg.jp/terms.html"},
        {"url": "https://x.lg.jp/c.csv", "format": "CSV"}]))
    parser = RDFParser(profiles=["wards_dcat_ap_3"])
    parser.parse(app.get(f"/dataset/{original['id']}.ttl").body, _format="turtle")
    [parsed] = list(parser.datasets())
    assert parsed["access_rights"] == "NON_PUBLIC"
    by_url = {r["url"]: r for r in parsed["resources"]}
    assert (by_url["https://x.lg.jp/a.csv"]["rights"], by_url["https://x.lg.jp/a.csv"]["rights_en"]) == \
        ("出典：千代田区", "Source: Chiyoda City")
    assert by_url["https://x.lg.jp/b.csv"]["rights"] == "https://www.city.chiyoda.lg.jp/terms.html"
    assert "rights" not in by_url["https://x.lg.jp/c.csv"]
    harvested = dict(parsed, name="harvested", owner_org=ward["id"])
    for res in harvested["resources"]:
        res.pop("uri", None), res.pop("distribution_ref", None)
    copy = create(sysadmin, harvested)
    assert copy["access_rights"] == "NON_PUBLIC"
    assert sorted((r["url"], r.get("rights"), r.get("rights_en")) for r in copy["resources"]) == sorted(
        (r["url"], r.get("rights"), r.get("rights_en")) for r in original["resources"])


def test_parsing_access_rights_the_vocabulary_does_not_know_keeps_them_aside():
    ttl = f"""
    @prefix dcat: <http://www.w3.org/ns/dcat#> . @prefix dct: <http://purl.org/dc/terms/> .
    @prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
    <https://other.example/d/1> a dcat:Dataset ; dct:title "避難所"@ja ; dct:description "x"@ja ;
        dct:accessRights [ a dct:RightsStatement ; rdfs:label "職員のみ" ] .
    <https://other.example/d/2> a dcat:Dataset ; dct:title "公園"@ja ; dct:description "x"@ja ;
        dct:accessRights <{EU}PUBLIC> .
    """
    parser = RDFParser(profiles=["wards_dcat_ap_3"])
    parser.parse(ttl, _format="turtle")
    parsed = {d["title"]: d for d in parser.datasets()}
    assert "access_rights" not in parsed["避難所"]
    assert {"key": "wards_unmapped_access_rights", "value": "職員のみ"} in parsed["避難所"]["extras"]
    assert parsed["公園"]["access_rights"] == "PUBLIC"


# --- the points the form can now earn -----------------------------------------------------

def test_a_dataset_filled_in_through_the_schema_earns_the_20_points(sysadmin, ward):
    def metric_points(pkg):
        result = helpers.call_action("wards_dataset_score", context={"user": sysadmin["name"]}, id=pkg["id"])
        return {m["id"]: m["points"] for m in result["metrics"]}

    filled = metric_points(create(sysadmin, dataset(ward, name="filled", access_rights="PUBLIC")))
    assert (filled["pv:accessRightsAvailability"], filled["pv:accessRightsVocabularyAlignment"],
            filled["pv:rightsAvailability"]) == (10, 5, 5)
    bare = dataset(ward, name="bare")
    bare["resources"] = [{"url": "https://x.lg.jp/a.csv", "format": "CSV"}]
    unfilled = metric_points(create(sysadmin, bare))
    # access rights by default (PUBLIC), rights only when the resource states them
    assert (unfilled["pv:accessRightsAvailability"], unfilled["pv:accessRightsVocabularyAlignment"],
            unfilled["pv:rightsAvailability"]) == (10, 5, 0)


@pytest.mark.parametrize("licence, known, open_", [("CC-BY-4.0", 10, 20), ("PDL-1.0", 0, 20),
                                                   ("GOJ-STD-2.0", 0, 20)])
def test_pdl_and_the_government_terms_earn_open_but_not_known(sysadmin, ward, licence, known, open_):
    pkg = create(sysadmin, dataset(ward, name=licence.lower().replace(".", "-"), license_id=licence))
    result = helpers.call_action("wards_dataset_score", context={"user": sysadmin["name"]}, id=pkg["id"])
    points = {m["id"]: m["points"] for m in result["metrics"]}
    assert (points["pv:licenceAvailability"], points["pv:knownLicence"], points["wq:openLicence"]) == \
        (20, known, open_)
