"""Standard-dataset coverage (report/coverage.py) on the real stack: a ward with a declared
and verified standard, one with a declared-only standard, one with none."""
from __future__ import annotations

import pytest

import ckan.model as ckan_model
import ckan.tests.factories as factories

from ckanext.wards.report import coverage
from ckanext.wards.scoring import bulk, filestore
from tests.conftest import WARDS_PLUGINS
from tests.test_report import create_dataset

pytestmark = [
    pytest.mark.ckan_config("ckan.plugins", WARDS_PLUGINS),
    pytest.mark.usefixtures("clean_db", "clean_index", "with_plugins"),
]


def _ward(code, name):
    return factories.Organization(name=name, title=name, extras=[{"key": "ward_code", "value": code}])


def test_states_follow_declarations_and_stored_checks(sysadmin):
    chiyoda, chuo, minato = _ward("131016", "chiyoda-c"), _ward("131024", "chuo-c"), _ward("131032", "minato-c")
    toilets = create_dataset(sysadmin, chiyoda, "toilets", [{"url": "https://x.lg.jp/t.csv", "format": "CSV"}],
                             conforms_to=["13_public_toilet"])
    create_dataset(sysadmin, chiyoda, "aed", [{"url": "https://x.lg.jp/a.csv", "format": "CSV"}],
                   conforms_to=["08_aed"])
    create_dataset(sysadmin, chuo, "toilets-chuo", [{"url": "https://x.lg.jp/c.csv", "format": "CSV"}],
                   conforms_to=["13_public_toilet"])
    create_dataset(sysadmin, chuo, "secret", [{"url": "https://x.lg.jp/s.csv", "format": "CSV"}],
                   private=True, conforms_to=["08_aed"])
    create_dataset(sysadmin, minato, "budget", [{"url": "https://x.lg.jp/b.csv", "format": "CSV"}])
    for org in (chiyoda, chuo, minato):
        bulk.rescore(org_id=org["id"])
    # the stored check of Chiyoda's toilets file: its columns matched the standard
    filestore.write({"resource_id": toilets["resources"][0]["id"], "package_id": toilets["id"],
                     "file_state": "checked", "standard_id": "13_public_toilet", "conformance_ok": True})
    ckan_model.Session.commit()

    doc = coverage.coverage()
    by_code = {w["lg_code"]: w["cells"] for w in doc["wards"]}
    assert set(by_code) == {"131016", "131024", "131032"}
    assert "13_public_toilet" in doc["standards"] and "08_aed" in doc["standards"]
    assert by_code["131016"]["13_public_toilet"] == {
        "state": "verified", "datasets": [{"name": "toilets", "title": "toilets", "verified": True}]}
    assert by_code["131016"]["08_aed"]["state"] == "declared"
    assert by_code["131024"]["13_public_toilet"] == {
        "state": "declared", "datasets": [{"name": "toilets-chuo", "title": "toilets-chuo", "verified": False}]}
    # a private dataset is not published
    assert by_code["131024"]["08_aed"] == {"state": "not_published", "datasets": []}
    assert {c["state"] for c in by_code["131032"].values()} == {"not_published"}


def test_json_and_csv(app, sysadmin):
    org = _ward("131016", "chiyoda-c")
    create_dataset(sysadmin, org, "aed", [{"url": "https://x.lg.jp/a.csv", "format": "CSV"}], conforms_to=["08_aed"])
    bulk.rescore(org_id=org["id"])
    doc = app.get("/wards/coverage.json").json
    assert doc["wards"][0]["cells"]["08_aed"]["state"] == "declared"
    res = app.get("/wards/coverage.csv")
    text = res.get_data().decode("utf-8")
    assert text.startswith("\ufefflg_code,name_ja,organization,")
    lines = text.split("\r\n")
    header, row = lines[0].lstrip("\ufeff").split(","), lines[1].split(",")
    assert row[0] == "131016" and row[header.index("08_aed")] == "declared"
    assert row[header.index("13_public_toilet")] == "not_published"
