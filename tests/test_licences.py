"""Our licence vocabulary in CKAN's licence register, on the real stack.

``license_title``, ``license_url`` and ``isopen`` come from the register: in package_show,
in the search index behind package_search, on the dataset page and for harvesters."""
from __future__ import annotations

import json

import pytest

import ckan.model as model
from ckan.tests import helpers

from ckanext.wards.vocab import licences
from tests.conftest import WARDS_PLUGINS
from tests.test_schema_stack import toilets

pytestmark = [
    pytest.mark.ckan_config("ckan.plugins", WARDS_PLUGINS),
    pytest.mark.usefixtures("clean_db", "clean_index", "with_plugins"),
]

PDL = {"title_en": "Public Data License Version 1.0", "title_ja": "公共データ利用規約（第1.0版）",
       "url": "https://www.digital.go.jp/resources/open_data/public_data_license_v1.0"}


def create(sysadmin, org, license_id, **overrides):
    return helpers.call_action("package_create", context={"user": sysadmin["name"]},
                               **toilets(org, license_id=license_id, **overrides))


def licence_fields(pkg_dict):
    return {key: pkg_dict.get(key) for key in ("license_id", "license_title", "license_url", "isopen")}


def searched(name):
    results = helpers.call_action("package_search", fq=f"name:{name}")["results"]
    assert len(results) == 1
    return results[0]


def test_an_open_vocabulary_licence_has_its_title_url_and_is_open(sysadmin, org):
    create(sysadmin, org, "PDL1.0")

    shown = helpers.call_action("package_show", id="public-toilets")
    assert licence_fields(shown) == {"license_id": "PDL-1.0", "license_title": PDL["title_en"],
                                     "license_url": PDL["url"], "isopen": True}
    assert licence_fields(searched("public-toilets")) == licence_fields(shown)


def test_a_closed_vocabulary_licence_is_not_open(sysadmin, org):
    create(sysadmin, org, "cc-by-nc")

    shown = helpers.call_action("package_show", id="public-toilets")
    assert licence_fields(shown) == {
        "license_id": "NONCOMMERCIAL", "license_title": "Non-commercial licences",
        "license_url": "https://creativecommons.org/licenses/by-nc/4.0/deed.ja", "isopen": False}
    assert licence_fields(searched("public-toilets")) == licence_fields(shown)


def test_the_dataset_page_shows_the_title_in_the_pages_language(app, sysadmin, org):
    create(sysadmin, org, "PDL-1.0")

    english = app.get("/dataset/public-toilets").get_data(as_text=True)
    assert f'<a href="{PDL["url"]}" rel="dc:rights">{PDL["title_en"]}</a>' in english
    assert "od_80x15_blue.png" in english  # CKAN's Open Data badge
    japanese = app.get("/ja/dataset/public-toilets").get_data(as_text=True)
    assert f'<a href="{PDL["url"]}" rel="dc:rights">{PDL["title_ja"]}</a>' in japanese
    assert PDL["title_en"] not in japanese and "od_80x15_blue.png" in japanese


def test_the_title_follows_the_reader_not_the_language_the_dataset_was_indexed_in(app, sysadmin, org):
    """A dataset saved through /ja/ is indexed with the Japanese title; English readers
    (package_show and package_search answer from that index) still get the English one."""
    app.post("/ja/api/3/action/package_create", json=toilets(org, license_id="PDL-1.0"),
             headers={"Authorization": sysadmin["token"]}, status=200)

    assert helpers.call_action("package_show", id="public-toilets")["license_title"] == PDL["title_en"]
    assert searched("public-toilets")["license_title"] == PDL["title_en"]
    api = app.get("/api/3/action/package_show?id=public-toilets").json["result"]
    assert api["license_title"] == PDL["title_en"]
    api_ja = app.get("/ja/api/3/action/package_search?fq=name:public-toilets").json["result"]
    assert api_ja["results"][0]["license_title"] == PDL["title_ja"]
    assert PDL["title_ja"] in app.get("/ja/dataset/public-toilets").get_data(as_text=True)


def test_ckans_own_licences_stay_in_the_register():
    register = model.Package.get_license_register()
    assert register["cc-by"].title == "Creative Commons Attribution" and register["cc-by"].isopen()
    assert not register["notspecified"].isopen()
    listed = {item["id"]: item for item in helpers.call_action("license_list")}
    assert {"cc-by", "odc-odbl", "notspecified", "other-closed"} <= set(listed)
    assert listed["PDL-1.0"]["title"] == PDL["title_en"] and listed["PDL-1.0"]["od_conformance"] == "approved"
    assert licences.register_vocabulary() == []  # plugin load already added every licence


@pytest.mark.ckan_config("scheming.dataset_schemas", "ckanext.scheming:ckan_dataset.yaml")
def test_datasets_with_ckans_own_licence_ids_keep_working(app, sysadmin, org):
    """An operator's own schema stores CKAN's ids as they are (ours turns cc-by into CC-BY-4.0)."""
    for name, license_id in (("budget", "cc-by"), ("minutes", "notspecified")):
        helpers.call_action("package_create", context={"user": sysadmin["name"]},
                            name=name, owner_org=org["id"], license_id=license_id)

    budget = helpers.call_action("package_show", id="budget")
    assert licence_fields(budget) == {
        "license_id": "cc-by", "license_title": "Creative Commons Attribution",
        "license_url": "http://www.opendefinition.org/licenses/cc-by", "isopen": True}
    assert licence_fields(searched("budget")) == licence_fields(budget)
    minutes = helpers.call_action("package_show", id="minutes")
    assert (minutes["license_title"], minutes["isopen"]) == ("License not specified", False)
    assert "クリエイティブ・コモンズ 表示" in app.get("/ja/dataset/budget").get_data(as_text=True)


@pytest.fixture
def operators_licences(tmp_path, monkeypatch, ckan_config):
    """``licenses_group_url`` naming a file that defines PDL-1.0 its own way, and the
    register CKAN builds from it, completed as at plugin load."""
    path = tmp_path / "licences.json"
    path.write_text(json.dumps([{"id": "PDL-1.0", "title": "公共データ利用規約 (当区の訳)",
                                 "url": "https://example.lg.jp/pdl", "od_conformance": "approved"}]),
                    encoding="utf-8")
    monkeypatch.setitem(ckan_config, "licenses_group_url", path.as_uri())
    monkeypatch.delattr(model.Package, "_license_register")  # restored after the test
    return licences.register_vocabulary()


def test_an_operators_licence_is_not_replaced(operators_licences, sysadmin, org):
    assert "PDL-1.0" not in operators_licences and "GOJ-STD-2.0" in operators_licences
    create(sysadmin, org, "PDL-1.0")
    shown = helpers.call_action("package_show", id="public-toilets")
    assert (shown["license_title"], shown["license_url"]) == ("公共データ利用規約 (当区の訳)",
                                                               "https://example.lg.jp/pdl")
    register = model.Package.get_license_register()
    assert register["GOJ-STD-2.0"].isopen() and not register["CLOSED"].isopen()
    assert licences.add_to_register(register) == []
