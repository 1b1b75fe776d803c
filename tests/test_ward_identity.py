"""Which organisation is which ward (issue 11 M1, issue 16 item 4), on the real stack: the
``ward_code`` extra is validated and sysadmin-only, one organisation per code except
the portal's own departments, which add up; titles only on request; ties by age."""
from __future__ import annotations

import pytest

import ckan.model as model
import ckan.plugins.toolkit as tk
from ckan.exceptions import CkanConfigurationException
from ckan.tests import factories, helpers

from ckanext.wards import compare, report
from ckanext.wards.plugin import _shared
from tests.conftest import WARDS_PLUGINS

pytestmark = [
    pytest.mark.ckan_config("ckan.plugins", WARDS_PLUGINS),
    pytest.mark.usefixtures("clean_db", "clean_index", "with_plugins"),
]

CHIYODA = "131016"


def _code(code):
    return [{"key": "ward_code", "value": code}]


def _as(user):
    """The context of a request by ``user`` (CKAN's test helper skips authorisation otherwise)."""
    return {"user": user["name"], "ignore_auth": False}


def _create_org(user, **data):
    return helpers.call_action("organization_create", context=_as(user), **data)


def _error(excinfo):
    return excinfo.value.error_dict["ward_code"][0]


def _datasets(org, n, prefix):
    for i in range(n):
        factories.Dataset(owner_org=org["id"], name=f"{prefix}-{i}")


def test_a_ward_code_is_validated_with_its_check_digit_in_english_and_japanese(app):
    sysadmin = factories.SysadminWithToken()
    with pytest.raises(tk.ValidationError) as e:
        _create_org(sysadmin, name="bad", extras=_code("131017"))
    assert "check digit should be 6" in _error(e)
    with pytest.raises(tk.ValidationError) as e:
        _create_org(sysadmin, name="bad", extras=_code("13101"))
    assert "6 digits" in _error(e)
    response = app.post("/ja/api/3/action/organization_create", json={"name": "bad", "extras": _code("131017")},
                        headers={"Authorization": sysadmin["token"]}, status=409)
    assert "検査数字（6桁目）は 6 になるはずです" in response.json["error"]["ward_code"][0]
    assert model.Group.get("bad") is None
    created = _create_org(sysadmin, name="chiyoda-city-hall", extras=_code("１３１０１６"))
    assert {e["key"]: e["value"] for e in created["extras"]}["ward_code"] == CHIYODA


def test_only_a_sysadmin_sets_changes_or_removes_a_ward_code():
    user = factories.User()
    with pytest.raises(tk.ValidationError) as e:
        _create_org(user, name="rogue", extras=_code(CHIYODA))
    assert "Only a sysadmin" in _error(e)
    sysadmin = factories.Sysadmin()
    org = _create_org(sysadmin, name="chiyoda-city-hall", extras=_code(CHIYODA),
                      users=[{"name": user["name"], "capacity": "admin"}])
    context = _as(user)
    # the organisation's own admin edits it, keeping the code: fine
    helpers.call_action("organization_patch", context=context, id=org["id"], title="千代田区役所")
    for extras in (_code("131024"), []):
        with pytest.raises(tk.ValidationError) as e:
            helpers.call_action("organization_patch", context=context, id=org["id"], extras=extras)
        assert "Only a sysadmin" in _error(e)
    assert model.Group.get(org["id"]).extras["ward_code"] == CHIYODA
    helpers.call_action("organization_patch", context=_as(sysadmin), id=org["id"], extras=_code("131024"))
    assert model.Group.get(org["id"]).extras["ward_code"] == "131024"


# group_patch reads the organisation with group_show first, which CKAN answers 404 for an
# organisation's id: refused before our check; group_update saves it (S1)
@pytest.mark.parametrize("action, status", [("group_update", 409), ("group_patch", 404),
                                            ("organization_update", 409), ("organization_patch", 409)])
def test_an_organisation_admin_cannot_set_a_ward_code_through_any_update_action(app, action, status):
    """S1: ``group_update`` on an organisation's id needs only ``group_update`` authorisation,
    which the organisation's admin passes; every update path is refused alike."""
    admin = factories.UserWithToken()
    org = factories.Organization(users=[{"name": admin["name"], "capacity": "admin"}])
    before = dict(model.Group.get(org["id"]).extras)
    body = {"id": org["id"], "name": org["name"], "extras": _code(CHIYODA)}
    response = app.post(f"/ja/api/3/action/{action}", json=body,
                        headers={"Authorization": admin["token"]}, status=status)
    assert response.json["success"] is False
    if status == 409:
        assert "システム管理者だけ" in response.json["error"]["ward_code"][0]
        with pytest.raises(tk.ValidationError) as e:  # English: the same call without a request
            helpers.call_action(action, context=_as(admin), **body)
        assert "Only a sysadmin" in _error(e)
    model.Session.expire_all()
    assert dict(model.Group.get(org["id"]).extras) == before


@pytest.mark.parametrize("action", ["group_update", "group_patch"])
def test_a_group_admin_cannot_put_a_ward_code_on_a_group_either(action):
    admin = factories.User()
    group = factories.Group(users=[{"name": admin["name"], "capacity": "admin"}])
    with pytest.raises(tk.ValidationError) as e:
        helpers.call_action(action, context=_as(admin), id=group["id"], name=group["name"], extras=_code(CHIYODA))
    assert "Only a sysadmin" in _error(e)
    model.Session.expire_all()
    assert "ward_code" not in model.Group.get(group["id"]).extras
    helpers.call_action(action, context=_as(admin), id=group["id"], name=group["name"], title="子育て")  # others fine


def test_nobody_but_a_sysadmin_creates_a_group_carrying_a_ward_code():
    user = factories.User()
    for kind in ("group", "organization"):
        with pytest.raises(tk.ValidationError) as e:
            helpers.call_action("group_create", context=_as(user), name=f"rogue-{kind}", type=kind,
                                extras=_code(CHIYODA))
        assert "Only a sysadmin" in _error(e)
        assert model.Group.get(f"rogue-{kind}") is None


def test_a_second_organisation_with_the_same_code_is_refused():
    sysadmin = factories.Sysadmin()
    _create_org(sysadmin, name="chiyoda-city-hall", extras=_code(CHIYODA))
    with pytest.raises(tk.ValidationError) as e:
        _create_org(sysadmin, name="chiyoda-copy", extras=_code(CHIYODA))
    assert "already belongs to the organization chiyoda-city-hall" in _error(e)
    other = _create_org(sysadmin, name="minato-city-hall", extras=_code("131032"))
    with pytest.raises(tk.ValidationError):
        helpers.call_action("organization_patch", context={"user": sysadmin["name"]}, id=other["id"],
                            extras=_code(CHIYODA))


@pytest.mark.ckan_config("ckanext.wards.ward_code", CHIYODA)
def test_the_portal_wards_departments_may_share_its_code_and_add_up_to_one_report():
    sysadmin = factories.Sysadmin()
    hall = _create_org(sysadmin, name="kuyakusho", title="区役所", extras=_code(CHIYODA))
    somu = _create_org(sysadmin, name="somu", title="総務部", extras=_code(CHIYODA))  # allowed: the portal's ward
    kankyo = _create_org(sysadmin, name="kankyo", title="環境部")  # no code: a department too
    _datasets(hall, 2, "hall")
    _datasets(somu, 3, "somu")
    _datasets(kankyo, 4, "kankyo")
    [ward] = compare.local_wards()
    assert ward["ward"]["lg_code"] == CHIYODA and ward["org"]["name"] == "kuyakusho"
    assert set(ward["org_ids"]) == {hall["id"], somu["id"], kankyo["id"]}
    [doc] = compare.local_reports()
    assert doc["counts"]["datasets"] == 9
    for org in ("kuyakusho", "somu", "kankyo"):  # any department's report is the ward's
        assert helpers.call_action("wards_report", organization=org)["counts"]["datasets"] == 9
    [row] = helpers.call_action("wards_compare")["rows"]
    assert (row["code"], row["organization"], row["datasets"]) == (CHIYODA, "kuyakusho", 9)


@pytest.mark.ckan_config("ckanext.wards.ward_code", CHIYODA)
@pytest.mark.ckan_config("ckanext.wards.ward_organizations", "somu kankyo")
def test_the_operator_names_the_wards_organisations():
    sysadmin = factories.Sysadmin()
    somu = _create_org(sysadmin, name="somu", title="総務部")
    kankyo = _create_org(sysadmin, name="kankyo", title="環境部")
    guest = _create_org(factories.User(), name="npo-guest", title="協働団体")
    for org, n in ((somu, 1), (kankyo, 2), (guest, 5)):
        _datasets(org, n, org["name"])
    [ward] = compare.local_wards()
    assert ward["org"]["name"] == "somu" and set(ward["org_ids"]) == {somu["id"], kankyo["id"]}
    assert compare.local_reports()[0]["counts"]["datasets"] == 3
    with pytest.raises(tk.ValidationError):
        helpers.call_action("wards_report", organization="npo-guest")


def test_a_rogue_organisation_cannot_take_over_a_wards_comparison_row():
    sysadmin = factories.Sysadmin()
    real = _create_org(sysadmin, name="chiyoda-city-hall", title="千代田区", extras=_code(CHIYODA))
    _datasets(real, 2, "real")
    rogue_user = factories.User()  # belongs to no organisation
    rogue = _create_org(rogue_user, name="chiyoda", title="千代田区")  # name and title of the ward
    _datasets(rogue, 7, "rogue")
    helpers.call_action("organization_patch", context={"user": sysadmin["name"]}, id=real["id"],
                        description="edited after the rogue appeared")
    wards = {w["ward"]["lg_code"]: w for w in compare.local_wards()}
    assert wards[CHIYODA]["org"]["id"] == real["id"] and wards[CHIYODA]["org_ids"] == [real["id"]]
    [doc] = [d for d in compare.local_reports() if d["ward"]["code"] == CHIYODA]
    assert doc["counts"]["datasets"] == 2 and doc["ward"]["organization"] == "chiyoda-city-hall"
    with pytest.raises(tk.ValidationError):
        helpers.call_action("wards_report", organization="chiyoda")
    [row] = [r for r in helpers.call_action("wards_compare")["rows"] if r["code"] == CHIYODA]
    assert (row["organization"], row["datasets"]) == ("chiyoda-city-hall", 2)
    compare.snapshot_local()
    assert {s["source"] for s in compare.latest_snapshots(local=True)} == {"local:" + real["id"]}


def test_of_two_look_alikes_the_older_wins_whatever_the_order_of_edits():
    first = _create_org(factories.User(), name="chiyoda-city", title="x")
    second = _create_org(factories.User(), name="chiyoda-ku", title="y")
    sysadmin = factories.Sysadmin()
    for org in (first, second, first):
        helpers.call_action("organization_patch", context=_as(sysadmin), id=org["id"], description="e")
        assert compare.local_wards()[0]["org"]["id"] == first["id"]


def test_a_title_names_a_ward_only_when_the_operator_turns_it_on(ckan_config, monkeypatch):
    org = _create_org(factories.User(), name="some-club", title="千代田区")
    assert report.ward_for_org(org) is None and compare.local_wards() == []
    monkeypatch.setitem(ckan_config, "ckanext.wards.match_org_titles", "true")
    assert report.ward_for_org(org)["lg_code"] == CHIYODA
    assert [w["org"]["id"] for w in compare.local_wards()] == [org["id"]]


def test_an_unvalidated_stored_code_makes_no_ward():
    org = factories.Organization(name="legacy")
    group = model.Group.get(org["id"])
    group.extras = {"ward_code": "999999"}  # written before validation existed
    model.repo.commit_and_remove()
    assert report.ward_for_org({"id": org["id"], "name": "legacy", "ward_code": "999999"}) is None


@pytest.mark.parametrize("value", ["131016          # this portal's ward", "131017", "13101", "１３１０１６"])
def test_an_invalid_portal_ward_code_stops_the_start_up_naming_the_option(value):
    with pytest.raises(CkanConfigurationException) as e:
        _shared.check_config({"ckanext.wards.ward_code": value})
    assert "ckanext.wards.ward_code" in str(e.value)
    _shared.check_config({"ckanext.wards.ward_code": CHIYODA})
    _shared.check_config({})
