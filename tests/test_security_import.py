"""Bulk import: rights checked in validation, the batch written all or nothing, every
problem listed, a batch limit, no existence oracle; purged datasets leave no score rows;
resource URLs are http, https or ftp (issue 11 M4 and Low). Real PostgreSQL and Solr.
"""
from __future__ import annotations

import json

import pytest
import sqlalchemy as sa

import ckan.model as model
import ckan.plugins.toolkit as tk
from ckan.tests import factories, helpers

from ckanext.wards import model as wards_model
from ckanext.wards.schema import importer
from ckanext.wards.scoring import bulk
from tests.conftest import WARDS_PLUGINS

pytestmark = [
    pytest.mark.ckan_config("ckan.plugins", WARDS_PLUGINS),
    pytest.mark.usefixtures("clean_db", "clean_index", "with_plugins"),
]


def _record(name, org, **extra):
    return {"name": name, "title": f"{name} の一覧", "owner_org": org, "license_id": "CC BY 4.0",
            "resources": [{"url": f"https://x.lg.jp/{name}.csv", "format": "CSV"}], **extra}


@pytest.fixture
def two_orgs(clean_db):
    editor = factories.User()
    mine = factories.Organization(name="mine-ward", users=[{"name": editor["name"], "capacity": "editor"}])
    other = factories.Organization(name="other-ward")
    ctx = {"user": factories.Sysadmin()["name"]}
    theirs = helpers.call_action("package_create", context=dict(ctx), name="theirs", title="Theirs", owner_org=other["id"],
                                 license_id="cc-by", resources=[{"url": "https://x.lg.jp/t.csv"}])
    secret = helpers.call_action("package_create", context=dict(ctx), name="secret-one", title="Secret", owner_org=other["id"],
                                 private=True, license_id="cc-by")
    return {"editor": editor, "mine": mine, "other": other, "theirs": theirs, "secret": secret}


def _as(user):
    """The context of an API call by ``user`` (helpers.call_action would skip auth)."""
    return {"user": user["name"], "ignore_auth": False}


def _admin():
    return {"user": factories.Sysadmin()["name"]}


def _packages():
    return model.Session.query(model.Package).filter(model.Package.state != "deleted").count()


def test_validation_refuses_updating_another_organisations_dataset(two_orgs):
    """Before: valid: true, then the import answered 403 after the first record was saved."""
    ctx = _as(two_orgs["editor"])
    records = [_record("mine-first", "mine-ward"), _record("theirs", "other-ward", title="taken over")]
    report = helpers.call_action("wards_validate_import", context=dict(ctx), datasets=records, update=True)
    assert not report["valid"] and report["invalid"] == 1
    second = report["records"][1]
    assert second["action"] == "package_update"
    assert second["errors"] == [{"path": "owner_org", "message": "You may not update the dataset theirs"}]
    before = _packages()
    with pytest.raises(tk.ValidationError):
        helpers.call_action("wards_import", context=dict(ctx), datasets=records, update=True)
    assert _packages() == before and model.Package.get("mine-first") is None
    assert helpers.call_action("package_show", id="theirs")["title"] == "Theirs"


def test_creating_in_an_organisation_of_others_is_refused_in_validation(two_orgs):
    report = helpers.call_action("wards_validate_import", context=_as(two_orgs["editor"]),
                                 datasets=[_record("intruder", "other-ward")])
    assert report["records"][0]["errors"] == [
        {"path": "owner_org", "message": "You may not create datasets in the organization other-ward"}]


def test_a_failure_half_way_leaves_nothing_in_the_database_or_the_index(two_orgs, monkeypatch):
    """The second write fails after the first succeeded: the first is rolled back too."""
    sysadmin = factories.Sysadmin()
    records = [_record(f"batch-{i}", "mine-ward") for i in range(3)]
    real_write = importer.write_record
    calls = []

    def fail_on_second(entry, record, ctx):
        calls.append(record["name"])
        if len(calls) == 2:
            raise RuntimeError("disk full")
        return real_write(entry, record, ctx)
    monkeypatch.setattr(importer, "write_record", fail_on_second)
    before = _packages()
    with pytest.raises(RuntimeError):
        helpers.call_action("wards_import", context={"user": sysadmin["name"]}, datasets=records)
    assert calls == ["batch-0", "batch-1"]  # the first record was written before the failure
    model.Session.remove()
    assert _packages() == before
    assert model.Session.query(model.Package).filter(model.Package.name.like("batch-%")).count() == 0
    assert helpers.call_action("package_search", q="name:batch-*", include_private=True)["count"] == 0

    monkeypatch.setattr(importer, "write_record", real_write)
    report = helpers.call_action("wards_import", context={"user": sysadmin["name"]}, datasets=records)
    assert [w["name"] for w in report["written"]] == ["batch-0", "batch-1", "batch-2"]
    assert helpers.call_action("package_search", q="name:batch-*")["count"] == 3  # indexed after the commit


def test_every_problem_is_listed_at_once(two_orgs):
    """Before: the check-digit error showed only once the date error was fixed."""
    sysadmin = factories.Sysadmin()
    record = _record("both-wrong", "mine-ward", issued="someday", publisher_code="131017")
    errors = helpers.call_action("wards_validate_import", context={"user": sysadmin["name"]},
                                 datasets=[record])["records"][0]["errors"]
    paths = [e["path"] for e in errors]
    assert "issued" in paths and "publisher_code" in paths, errors
    assert any("check digit" in e["message"] for e in errors), errors


def test_existence_is_answered_only_where_the_user_may_read(two_orgs):
    """A private dataset of another organisation looks exactly like a free name."""
    ctx = _as(two_orgs["editor"])

    def answer(name):
        report = helpers.call_action("wards_validate_import", context=dict(ctx), update=True,
                                     datasets=[_record(name, "other-ward")])
        return json.loads(json.dumps(report["records"][0]).replace(name, "NAME"))
    assert answer("secret-one") == answer("no-such-dataset")
    assert answer("secret-one")["action"] == "package_create"
    assert answer("theirs")["action"] == "package_update"  # public: anyone may read it


@pytest.mark.ckan_config("ckanext.wards.import.max_records", "3")
def test_batch_limit(two_orgs):
    sysadmin = factories.Sysadmin()
    with pytest.raises(tk.ValidationError) as err:
        helpers.call_action("wards_validate_import", context={"user": sysadmin["name"]},
                            datasets=[_record(f"r{i}", "mine-ward") for i in range(4)])
    assert "at most 3" in str(err.value.error_dict["datasets"])
    assert helpers.call_action("wards_validate_import", context={"user": sysadmin["name"]},
                               datasets=[_record(f"r{i}", "mine-ward") for i in range(3)])["valid"]


def test_import_flags_are_checked(two_orgs):
    sysadmin = factories.Sysadmin()
    with pytest.raises(tk.ValidationError) as err:
        helpers.call_action("wards_import", context={"user": sysadmin["name"]}, datasets=[], dry_run="perhaps")
    assert "dry_run" in err.value.error_dict


def test_cli_prints_in_the_portals_language(cli, ckan_config, tmp_path):
    """Before: English whatever ckan.locale_default said."""
    from ckan.cli.cli import ckan
    factories.Organization(name="mine-ward")
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps([_record("x1", "mine-ward", issued="someday")], ensure_ascii=False), encoding="utf-8")
    ini = tmp_path / "ja.ini"
    ini.write_text(f"[app:main]\nuse = config:{ckan_config['__file__']}\nckan.locale_default = ja\n", encoding="utf-8")
    result = cli.invoke(ckan, ["-c", str(ini), "wards", "import", str(bad)])
    assert result.exit_code != 0
    assert "レコード 1（x1）: issued:" in result.output, result.output
    assert "何も取り込んでいません：1 件中 1 件に誤りがあります" in result.output, result.output


# --- purge ----------------------------------------------------------------------------------------

def _score_rows(package_id):
    rows = 0
    for table in (wards_model.DatasetScore.__table__, wards_model.ResourceScore.__table__):
        rows += model.Session.execute(sa.select(sa.func.count()).select_from(table)
                                      .where(table.c.package_id == package_id)).scalar()
    return rows


def test_purge_removes_the_score_rows(two_orgs):
    pkg_id = two_orgs["theirs"]["id"]
    bulk.rescore(package_ids=[pkg_id])
    assert _score_rows(pkg_id) >= 2  # one dataset row, one resource row
    helpers.call_action("dataset_purge", context=_admin(), id="theirs")
    assert _score_rows(pkg_id) == 0


def test_score_stale_drops_orphans(two_orgs):
    from click.testing import CliRunner
    from ckanext.wards import cli
    pkg_id = two_orgs["theirs"]["id"]
    bulk.rescore(package_ids=[pkg_id])
    model.Package.get(pkg_id).purge()  # behind CKAN's back: no action, no hook
    model.repo.commit_and_remove()
    assert _score_rows(pkg_id) >= 2
    result = CliRunner().invoke(cli.wards, ["score", "--stale"])
    assert result.exit_code == 0, result.output
    assert _score_rows(pkg_id) == 0


# --- resource URLs --------------------------------------------------------------------------------

@pytest.mark.parametrize("url", ["javascript:alert(1)", "JavaScript:alert(1)", " javascript:alert(1)",
                                 "data:text/html,<script>alert(1)</script>", "vbscript:x", "file:///etc/passwd",
                                 "http:///no-host", "//example.lg.jp/a.csv"])
def test_resource_urls_other_than_http_https_ftp_are_refused(two_orgs, url):
    with pytest.raises(tk.ValidationError) as err:
        helpers.call_action("package_create", context=_admin(), name="bad-url", owner_org=two_orgs["mine"]["id"],
                            license_id="cc-by", resources=[{"url": url, "format": "CSV"}])
    assert "http://, https:// or ftp://" in str(err.value.error_dict)
    with pytest.raises(tk.ValidationError):
        helpers.call_action("resource_create", context=_admin(), package_id=two_orgs["theirs"]["id"], url=url)


def test_resource_urls_http_https_ftp_and_uploads_are_accepted(two_orgs):
    pkg = helpers.call_action("package_create", context=_admin(), name="good-urls", owner_org=two_orgs["mine"]["id"],
                              license_id="cc-by", resources=[
                                  {"url": "https://x.lg.jp/a.csv"}, {"url": "HTTP://x.lg.jp/b.csv"},
                                  {"url": "ftp://ftp.x.lg.jp/c.csv"}, {"url": "c.csv", "url_type": "upload"},
                                  {"url": ""}])
    assert len(pkg["resources"]) == 5


def test_resource_url_message_in_japanese(app, two_orgs):
    sysadmin = factories.SysadminWithToken()
    resp = app.post("/ja/api/3/action/package_create", headers={"Authorization": sysadmin["token"]},
                    json={"name": "bad-ja", "owner_org": "mine-ward", "license_id": "cc-by",
                          "resources": [{"url": "javascript:alert(1)"}]})
    assert resp.status_code == 409
    assert "http://、https://、ftp://" in json.dumps(resp.json, ensure_ascii=False)
