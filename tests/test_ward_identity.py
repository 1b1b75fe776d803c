"""Which organisation is which ward (issue 11 M1, issue 16 item 4), on the real stack: the
``ward_code`` extra is validated and sysadmin-only, one organisation per code except
the portal's own departments, which add up; titles only on request; ties by age."""
from __future__ import annotations

import pytest

import ckan.model as model
import ckan.plugins.toolkit as tk
from ckan.exceptions import CkanConfigurationException
from ckan.tests import factories, helpers

from ckanext.wards.compare import snapshots
from ckanext.wards.config import checks
from ckanext.wards.report import document
from ckanext.wards.vocab import organizations
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
    [ward] = organizations.local_wards()
    assert ward["ward"]["lg_code"] == CHIYODA and ward["org"]["name"] == "kuyakusho"
    assert set(ward["org_ids"]) == {hall["id"], somu["id"], kankyo["id"]}
    [doc] = document.local_reports()
    assert doc["counts"]["datasets"] == 9
    for org in ("kuyakusho", "somu", "kankyo"):  # any department's report is the ward's
        assert helpers.call_action("wards_report", organization=org)["counts"]["datasets"] == 9
    [row] = helpers.call_action("wards_compare")["rows"]
    assert (row["code"], row["organization"], row["datasets"]) == (CHIYODA, "kuyakusho", 9)


@pytest.mark.ckan_config("ckanext.wards.ward_code", CHIYODA)
def test_the_open_data_list_of_a_department_lists_the_whole_ward(app):
    """The オープンデータ一覧 agrees with the report: every department's datasets, whichever
    of the ward's organisations it is asked through."""
    sysadmin = factories.Sysadmin()
    hall = _create_org(sysadmin, name="kuyakusho", title="区役所", extras=_code(CHIYODA))
    kankyo = _create_org(sysadmin, name="kankyo", title="環境部")
    for org, name in ((hall, "hall-list"), (kankyo, "kankyo-list")):
        factories.Dataset(owner_org=org["id"], name=name,
                          resources=[{"url": f"https://example.jp/{name}.csv", "format": "CSV"}])
    for org in ("kuyakusho", "kankyo"):
        body = app.get(f"/wards/report/{org}/open-data-list.csv").get_data(as_text=True)
        assert "hall-list" in body and "kankyo-list" in body, (org, body[:500])


@pytest.mark.ckan_config("ckanext.wards.ward_code", CHIYODA)
@pytest.mark.ckan_config("ckanext.wards.ward_organizations", "somu kankyo")
def test_the_operator_names_the_wards_organisations():
    sysadmin = factories.Sysadmin()
    somu = _create_org(sysadmin, name="somu", title="総務部")
    kankyo = _create_org(sysadmin, name="kankyo", title="環境部")
    guest = _create_org(factories.User(), name="npo-guest", title="協働団体")
    for org, n in ((somu, 1), (kankyo, 2), (guest, 5)):
        _datasets(org, n, org["name"])
    [ward] = organizations.local_wards()
    assert ward["org"]["name"] == "somu" and set(ward["org_ids"]) == {somu["id"], kankyo["id"]}
    assert document.local_reports()[0]["counts"]["datasets"] == 3
    with pytest.raises(tk.ValidationError):
        helpers.call_action("wards_report", organization="npo-guest")


@pytest.mark.ckan_config("ckanext.wards.ward_code", CHIYODA)
@pytest.mark.ckan_config("ckanext.wards.ward_organizations", "somu")
@pytest.mark.ckan_config("ckanext.wards.match_org_titles", "true")
def test_look_alikes_outside_the_operators_list_join_nothing():
    """Named by the list, the ward is exactly the listed organisations: organisations that a
    plain user names or titles like the ward (``131016``, ``chiyoda``, 千代田区) add nothing."""
    sysadmin, user = factories.Sysadmin(), factories.User()
    somu = _create_org(sysadmin, name="somu", title="総務部")
    _datasets(somu, 1, "somu")
    for name, title in (("131016", "区役所"), ("chiyoda", "千代田"), ("evil", "千代田区")):
        _datasets(_create_org(user, name=name, title=title), 4, name)
    [ward] = organizations.local_wards()
    assert ward["ward"]["lg_code"] == CHIYODA and ward["org_ids"] == [somu["id"]]
    assert document.local_reports()[0]["counts"]["datasets"] == 1
    for name in ("131016", "chiyoda", "evil"):
        assert organizations.ward_of(model.Group.by_name(name).as_dict()) is None, name


def test_a_rogue_organisation_cannot_take_over_a_wards_comparison_row():
    sysadmin = factories.Sysadmin()
    real = _create_org(sysadmin, name="chiyoda-city-hall", title="千代田区", extras=_code(CHIYODA))
    _datasets(real, 2, "real")
    rogue_user = factories.User()  # belongs to no organisation
    rogue = _create_org(rogue_user, name="chiyoda", title="千代田区")  # name and title of the ward
    _datasets(rogue, 7, "rogue")
    helpers.call_action("organization_patch", context={"user": sysadmin["name"]}, id=real["id"],
                        description="edited after the rogue appeared")
    wards = {w["ward"]["lg_code"]: w for w in organizations.local_wards()}
    assert wards[CHIYODA]["org"]["id"] == real["id"] and wards[CHIYODA]["org_ids"] == [real["id"]]
    [doc] = [d for d in document.local_reports() if d["ward"]["code"] == CHIYODA]
    assert doc["counts"]["datasets"] == 2 and doc["ward"]["organization"] == "chiyoda-city-hall"
    with pytest.raises(tk.ValidationError):
        helpers.call_action("wards_report", organization="chiyoda")
    [row] = [r for r in helpers.call_action("wards_compare")["rows"] if r["code"] == CHIYODA]
    assert (row["organization"], row["datasets"]) == ("chiyoda-city-hall", 2)
    snapshots.snapshot_local()
    assert {s["source"] for s in snapshots.latest_snapshots(local=True)} == {"local:" + real["id"]}


def test_of_two_look_alikes_the_older_wins_whatever_the_order_of_edits():
    first = _create_org(factories.User(), name="chiyoda-city", title="x")
    second = _create_org(factories.User(), name="chiyoda-ku", title="y")
    sysadmin = factories.Sysadmin()
    for org in (first, second, first):
        helpers.call_action("organization_patch", context=_as(sysadmin), id=org["id"], description="e")
        assert organizations.local_wards()[0]["org"]["id"] == first["id"]


def test_a_title_names_a_ward_only_when_the_operator_turns_it_on(ckan_config, monkeypatch):
    org = _create_org(factories.User(), name="some-club", title="千代田区")
    assert organizations.ward_of(org) is None and organizations.local_wards() == []
    monkeypatch.setitem(ckan_config, "ckanext.wards.match_org_titles", "true")
    assert organizations.ward_of(org)["lg_code"] == CHIYODA
    assert [w["org"]["id"] for w in organizations.local_wards()] == [org["id"]]


def test_an_unvalidated_stored_code_makes_no_ward():
    org = factories.Organization(name="legacy")
    group = model.Group.get(org["id"])
    group.extras = {"ward_code": "999999"}  # written before validation existed
    model.repo.commit_and_remove()
    assert organizations.ward_of({"id": org["id"], "name": "legacy", "ward_code": "999999"}) is None


@pytest.mark.parametrize("value", ["131016          # this portal's ward", "131017", "13101", "１３１０１６"])
def test_an_invalid_portal_ward_code_stops_the_start_up_naming_the_option(value):
    with pytest.raises(CkanConfigurationException) as e:
        checks.check_config({"ckanext.wards.ward_code": value})
    assert "ckanext.wards.ward_code" in str(e.value)
    checks.check_config({"ckanext.wards.ward_code": CHIYODA})
    checks.check_config({})


def _legacy_org(name, stored_code, **data):
    """An organisation whose ``ward_code`` extra was stored before validation existed
    (written through the model: the actions refuse it now)."""
    org = factories.Organization(name=name, **data)
    group = model.Group.get(org["id"])
    group.extras = {"ward_code": stored_code}
    model.repo.commit_and_remove()
    return org


@pytest.mark.parametrize("stored", ["131017", "=cmd|' /C calc'!A0", "１３１０１６x", "99999999999"])
def test_a_report_of_an_organisation_with_an_invalid_stored_code_is_no_500(app, stored):
    """The invalid code is ignored: a ward by its name answers 200 with the right code,
    an organisation that is no ward otherwise answers 404 with a ja/en message."""
    _legacy_org("chiyoda", stored, title="千代田区")
    _legacy_org("legacy-club", stored, title="昔の団体")
    for fmt in ("json", "csv", "ttl"):
        response = app.get(f"/wards/report/chiyoda.{fmt}", status=200)
        assert CHIYODA in response.body and stored not in response.body
        assert "This organization is not a ward" in app.get(f"/wards/report/legacy-club.{fmt}", status=404).body
        assert "この組織は区ではありません" in app.get(f"/ja/wards/report/legacy-club.{fmt}", status=404).body


def _publishers(app, dataset_id):
    import rdflib
    from rdflib.namespace import DCTERMS
    response = app.get(f"/dataset/{dataset_id}.ttl", status=200)
    g = rdflib.Graph().parse(data=response.body, format="turtle")
    return {str(o) for o in g.objects(None, DCTERMS.publisher)}


def test_a_rogue_organisation_gets_no_wards_dcat_publisher(app):
    """The DCAT publisher follows the comparison's rule (``organizations.ward_of``): the real ward's
    datasets are published by Chiyoda, a look-alike's (by name or title) are not."""
    chiyoda_iri = f"http://test.ckan.net/wards/lg/{CHIYODA}"
    sysadmin = factories.Sysadmin()
    real = _create_org(sysadmin, name="chiyoda-city-hall", title="千代田区役所", extras=_code(CHIYODA))
    rogue_user = factories.User()
    by_name = _create_org(rogue_user, name="chiyoda", title="千代田区")
    by_title = _create_org(rogue_user, name="some-club", title="千代田区")
    datasets = {org["name"]: factories.Dataset(owner_org=org["id"], name=f"{org['name']}-data")
                for org in (real, by_name, by_title)}
    assert _publishers(app, datasets["chiyoda-city-hall"]["id"]) == {chiyoda_iri}
    assert chiyoda_iri not in _publishers(app, datasets["chiyoda"]["id"])
    assert chiyoda_iri not in _publishers(app, datasets["some-club"]["id"])
    assert organizations.ward_of(by_name) is None and organizations.ward_of(real)["lg_code"] == CHIYODA


@pytest.mark.ckan_config("ckanext.wards.ward_code", CHIYODA)
@pytest.mark.ckan_config("ckanext.wards.ward_organizations", "somu")
def test_on_a_one_ward_portal_only_the_wards_organisations_get_its_dcat_publisher(app):
    chiyoda_iri = f"http://test.ckan.net/wards/lg/{CHIYODA}"
    somu = factories.Organization(name="somu", title="総務部")
    guest = factories.Organization(name="npo-guest", title="協働団体")
    mine = factories.Dataset(owner_org=somu["id"], name="somu-data")
    theirs = factories.Dataset(owner_org=guest["id"], name="guest-data")
    assert _publishers(app, mine["id"]) == {chiyoda_iri}
    assert chiyoda_iri not in _publishers(app, theirs["id"])


def test_a_dataset_of_a_rogue_organisation_cannot_claim_a_wards_publisher_code(app):
    chiyoda_iri = f"http://test.ckan.net/wards/lg/{CHIYODA}"
    sysadmin = factories.Sysadmin()
    real = _create_org(sysadmin, name="chiyoda-city-hall", extras=_code(CHIYODA))
    rogue = _create_org(factories.User(), name="some-club", title="同好会")
    claimed = factories.Dataset(owner_org=rogue["id"], name="claimed", publisher_code=CHIYODA)
    assert helpers.call_action("package_show", id="claimed")["publisher_code"] == CHIYODA  # stored as written
    own = factories.Dataset(owner_org=real["id"], name="own", publisher_code=CHIYODA)
    assert chiyoda_iri not in _publishers(app, claimed["id"])
    assert _publishers(app, own["id"]) == {chiyoda_iri}


@pytest.mark.parametrize("action", ["organization_patch", "organization_update", "group_update"])
def test_an_extra_marked_deleted_is_no_way_round_the_sysadmin_rule(action):
    """CKAN 2.12 saves an extra marked ``deleted`` like any other: it sets a code too."""
    admin = factories.User()
    org = factories.Organization(users=[{"name": admin["name"], "capacity": "admin"}])
    extras = [{"key": "ward_code", "value": CHIYODA, "deleted": True}]
    with pytest.raises(tk.ValidationError) as e:
        helpers.call_action(action, context=_as(admin), id=org["id"], name=org["name"], extras=extras)
    assert "Only a sysadmin" in _error(e)
    model.Session.expire_all()
    assert "ward_code" not in model.Group.get(org["id"]).extras


def test_a_second_extra_of_the_key_is_no_way_round_the_sysadmin_rule():
    """CKAN keeps the last of two extras of one key (one may be marked ``deleted``, which
    CKAN's duplicate check skips): that one is checked, not the first."""
    admin = factories.User()
    org = _create_org(factories.Sysadmin(), name="chiyoda-city-hall", extras=_code(CHIYODA),
                      users=[{"name": admin["name"], "capacity": "admin"}])
    extras = _code(CHIYODA) + [{"key": "ward_code", "value": "131024", "deleted": True}]
    with pytest.raises(tk.ValidationError) as e:
        helpers.call_action("organization_patch", context=_as(admin), id=org["id"], extras=extras)
    assert "Only a sysadmin" in _error(e)
    model.Session.expire_all()
    assert model.Group.get(org["id"]).extras["ward_code"] == CHIYODA
