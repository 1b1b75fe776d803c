"""The shared schema's web forms on the real stack: an unchanged save changes nothing,
CKAN's core fields and free extras survive and show, empty numbers and dates are
missing values (issue 16, items 1 and 2)."""
from __future__ import annotations

import pytest

import ckan.model as model
from ckan.tests import factories, helpers

from ckanext.wards.schema import migrate
from tests import webform
from tests.conftest import WARDS_PLUGINS

pytestmark = [
    pytest.mark.ckan_config("ckan.plugins", WARDS_PLUGINS),
    pytest.mark.ckan_config("WTF_CSRF_ENABLED", True),
    pytest.mark.usefixtures("clean_db", "clean_index", "with_plugins"),
]

FREE_EXTRAS = {"備考": "毎月10日ごろ更新", "作成部署": "総務部", "更新頻度": "月次"}


def _default_schema_dataset(name="kokyo-shisetsu", **columns):
    """A dataset as plain CKAN stores it (core columns, free extras), written to the database."""
    org = model.Group.get("somu") or model.Group.get(factories.Organization(name="somu", title="総務部")["id"])
    values = dict(title="公共施設一覧", notes="区の公共施設", license_id="odc-pddl",
                  author="総務課", author_email="somu@city.example.lg.jp", maintainer="情報政策課",
                  maintainer_email="opendata@city.example.lg.jp", version="2024.1")
    values.update(columns)
    pkg = model.Package(name=name, owner_org=org.id, type="dataset", state="active", private=False, **values)
    model.Session.add(pkg)
    pkg.extras = dict(FREE_EXTRAS)
    model.Session.flush()
    resource = model.Resource(package_id=pkg.id, url="https://city.example.lg.jp/shisetsu.csv",
                              format="CSV", name="施設CSV", size=2048)
    resource.position = 0  # as package_create numbers them
    model.Session.add(resource)
    model.repo.commit_and_remove()
    return model.Package.get(name).id


def _shown(package_id):
    shown = helpers.call_action("package_show", id=package_id)
    shown.pop("metadata_modified")
    return shown


def _save_dataset_form_unchanged(client, package_id):
    name = model.Package.get(package_id).name
    response = webform.save_unchanged(client, f"/dataset/edit/{name}", "dataset-edit")
    assert response.status_code == 302, response.get_data(as_text=True)[-3000:]


def test_an_unchanged_form_save_of_a_default_schema_dataset_changes_nothing(app):
    package_id = _default_schema_dataset()
    before = _shown(package_id)
    _save_dataset_form_unchanged(webform.sysadmin_client(app), package_id)
    after = _shown(package_id)
    assert after == before
    assert {e["key"]: e["value"] for e in after["extras"]} == FREE_EXTRAS
    assert (after["maintainer_email"], after["version"]) == ("opendata@city.example.lg.jp", "2024.1")


def test_an_unchanged_form_save_of_a_migrated_dataset_changes_nothing(app):
    package_id = _default_schema_dataset(license_id="cc-by", url="www.example/not-a-url")
    sysadmin = factories.Sysadmin(password=webform.PASSWORD)
    [report] = migrate.migrate([package_id], {"user": sysadmin["name"], "ignore_auth": True}, dry_run=False)
    assert report["applied"], report
    before = _shown(package_id)
    assert {e["key"] for e in before["extras"]} >= {"備考", "作成部署", migrate.UNMAPPED_PREFIX + "url"}
    _save_dataset_form_unchanged(webform.logged_in(app, sysadmin), package_id)
    assert _shown(package_id) == before


def test_an_unchanged_form_save_of_a_shared_schema_dataset_changes_nothing(app, org):
    from tests.test_schema_stack import toilets
    sysadmin = factories.Sysadmin(password=webform.PASSWORD)
    created = helpers.call_action("package_create", context={"user": sysadmin["name"]},
                                  **toilets(org, extras=[{"key": "備考", "value": "年1回"}]))
    before = _shown(created["id"])
    _save_dataset_form_unchanged(webform.logged_in(app, sysadmin), created["id"])
    assert _shown(created["id"]) == before


def test_the_dataset_page_shows_core_fields_and_free_extras(app):
    package_id = _default_schema_dataset()
    html = app.get(f"/dataset/{package_id}").get_data(as_text=True)
    for text in ("opendata@city.example.lg.jp", "情報政策課", "somu@city.example.lg.jp", "2024.1",
                 "備考", "毎月10日ごろ更新", "作成部署", "総務部"):
        assert text in html, text


def test_a_free_extra_is_edited_and_removed_through_the_form_by_blanking_it(app):
    package_id = _default_schema_dataset()
    client = webform.sysadmin_client(app)
    page = client.get("/dataset/edit/kokyo-shisetsu").get_data(as_text=True)
    fields = webform.form_fields(page, "dataset-edit")
    keys = {value: name[:-len("key")] for name, value in fields if name.endswith("__key")}
    changes = {keys["備考"] + "value": "隔月", keys["作成部署"] + "key": "", keys["作成部署"] + "value": ""}
    edited = [(n, changes.get(n, v)) for n, v in fields]
    from werkzeug.datastructures import MultiDict
    response = client.post("/dataset/edit/kokyo-shisetsu", data=MultiDict(edited))
    assert response.status_code == 200
    extras = {e["key"]: e["value"] for e in _shown(package_id)["extras"]}
    assert extras == {"備考": "隔月", "更新頻度": "月次"}


def _resource_form_post(client, form_url, **changes):
    page = client.get(form_url)
    assert page.status_code == 200
    fields = [(n, changes.pop(n) if n in changes else v)
              for n, v in webform.form_fields(page.get_data(as_text=True), "resource-edit")]
    from werkzeug.datastructures import MultiDict
    return client.post(form_url, data=MultiDict(fields + list(changes.items())), follow_redirects=False)


def test_a_resource_form_with_an_empty_size_and_dates_saves_them_as_missing(app):
    package_id = _default_schema_dataset()
    client = webform.sysadmin_client(app)
    created = _resource_form_post(client, f"/dataset/{package_id}/resource/new",
                                  url="https://city.example.lg.jp/shisetsu2.csv", name="施設2", size="",
                                  issued="", modified="", save="go-metadata")
    assert created.status_code == 302, created.get_data(as_text=True)[-2000:]
    new = [r for r in helpers.call_action("package_show", id=package_id)["resources"] if r["name"] == "施設2"]
    assert len(new) == 1 and new[0].get("size") is None and model.Resource.get(new[0]["id"]).size is None
    assert "issued" not in new[0] and "modified" not in new[0]

    old = next(r for r in helpers.call_action("package_show", id=package_id)["resources"] if r["name"] == "施設CSV")
    edited = _resource_form_post(client, f"/dataset/{package_id}/resource/{old['id']}/edit", size="")
    assert edited.status_code == 302, edited.get_data(as_text=True)[-2000:]
    model.Session.expire_all()
    assert model.Resource.get(old["id"]).size is None
    # the worker's session is still good: the next requests answer
    assert client.get(f"/dataset/{package_id}").status_code == 200
    assert app.get("/dataset/").status_code == 200


def test_an_unchanged_resource_form_save_keeps_keys_the_schema_has_no_field_for(app):
    """D1: CKAN's resource_update replaces the resource with the posted form, which deleted
    migrate's ``wards_unmapped_*`` keys and a portal's own ones."""
    package_id = _default_schema_dataset()
    resource_id = helpers.call_action("package_show", id=package_id)["resources"][0]["id"]
    carried = {migrate.UNMAPPED_PREFIX + "size": "約2MB", "地図URL": "https://map.example.lg.jp/?a=1&b=<2>",
               "portal_note": '引用符 " と改行\nを含む'}
    sysadmin = factories.Sysadmin(password=webform.PASSWORD)
    helpers.call_action("resource_patch", context={"user": sysadmin["name"]}, id=resource_id, **carried)
    before = helpers.call_action("resource_show", id=resource_id)
    assert {k: before.get(k) for k in carried} == carried
    client = webform.logged_in(app, sysadmin)
    response = webform.save_unchanged(client, f"/dataset/{package_id}/resource/{resource_id}/edit", "resource-edit")
    assert response.status_code == 302, response.get_data(as_text=True)[-3000:]
    after = helpers.call_action("resource_show", id=resource_id)
    for shown in (before, after):
        shown.pop("metadata_modified")
        shown["url_type"] = shown["url_type"] or None  # CKAN's own link/upload radio posts "" for a link
    assert after == before


def test_empty_numbers_and_dates_through_the_api_are_missing_values(sysadmin):
    package_id = _default_schema_dataset()
    context = {"user": sysadmin["name"]}
    resource = helpers.call_action("resource_create", context=context, package_id=package_id,
                                   url="https://city.example.lg.jp/a.csv", size="", issued="", modified=" ")
    assert model.Resource.get(resource["id"]).size is None and "issued" not in resource and "modified" not in resource
    helpers.call_action("package_patch", context=context, id=package_id, issued="2024-04-01")
    patched = helpers.call_action("package_patch", context=context, id=package_id, issued="", modified="",
                                  temporal_coverage=[{"start": "2024-04-01", "end": ""}])
    assert "issued" not in patched and "modified" not in patched
    assert patched["temporal_coverage"] == [{"start": "2024-04-01"}]
    with pytest.raises(Exception) as error:
        helpers.call_action("resource_patch", context=context, id=resource["id"], size="zwei")
    assert "size" in str(error.value)
