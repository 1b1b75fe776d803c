"""`ckan wards migrate`: a default-schema dataset moves into the shared schema, losing nothing."""
from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

import ckan.model as model
from ckan.tests import factories, helpers

from ckanext.wards import cli
from ckanext.wards.schema import migrate
from tests.conftest import WARDS_PLUGINS

pytestmark = [
    pytest.mark.ckan_config("ckan.plugins", WARDS_PLUGINS),
    pytest.mark.usefixtures("clean_db", "clean_index", "with_plugins"),
]

EXTRAS = {
    "更新頻度": "月次",
    "言語": "日本語",
    "公開日": "平成30年4月1日",
    "地域": "千代田区",
    "全国地方公共団体コード": "131017",   # wrong check digit: kept, not mapped
    "copyright": "千代田区",              # no schema field: stays an extra
    "frequency_note": "毎月10日ごろ",
}


def _legacy_dataset():
    """A dataset as a plain CKAN (default schema) stores it, written straight to the database."""
    org = factories.Organization(name="chiyoda", title="千代田区")
    group = factories.Group(name="gove", title="行財政")
    pkg = model.Package(name="legacy-budget", title="予算書", notes="令和6年度の予算書",
                        license_id="cc-by", url="www.city.chiyoda.lg.jp/yosan",  # not a URL
                        author="財政課", author_email="zaisei@city.chiyoda.lg.jp",
                        maintainer="情報政策課", maintainer_email="opendata@city.chiyoda.lg.jp",
                        version="2024", owner_org=org["id"], type="dataset", state="active", private=False)
    model.Session.add(pkg)
    pkg.extras = dict(EXTRAS)
    pkg.add_tag_by_name("予算")
    model.Session.flush()
    model.Session.add(model.Resource(package_id=pkg.id, url="https://x.lg.jp/yosan.csv", format="CSV",
                                     name="予算書CSV", description="歳入歳出", size=2048, mimetype="text/csv",
                                     extras={"encoding": "sjis", "note": "Excel で作成", "文字コード2": "x"}))
    model.Session.add(model.Member(group=model.Group.get(group["id"]), table_id=pkg.id,
                                   table_name="package", capacity="public"))
    model.repo.commit_and_remove()
    return model.Package.get("legacy-budget").id


def _raw(package_id):
    return helpers.call_action("package_show", context={"validate": False, "ignore_auth": True}, id=package_id)


def test_dry_run_reports_the_mapping_and_writes_nothing():
    package_id = _legacy_dataset()
    before = _raw(package_id)
    sysadmin = factories.Sysadmin()

    [report] = migrate.migrate([package_id], {"user": sysadmin["name"]}, dry_run=True)

    mapped = {m["field"]: (m["source"], m["value"]) for m in report["mapped"]}
    assert mapped["frequency"] == ("extras.更新頻度", "monthly")
    assert mapped["language"] == ("extras.言語", ["ja"])
    assert mapped["issued"] == ("extras.公開日", "2018-04-01")
    assert mapped["license_id"] == ("license_id", "CC-BY-4.0")
    assert mapped["publisher_code"] == ("organization.name", "131016")  # the bad extra is parked
    assert mapped["contact"][0] == "maintainer, maintainer_email"
    assert mapped["theme"] == ("groups", ["GOVE"])
    assert mapped["resources.character_encoding"][1] == "sjis"
    unmapped = {u["field"]: u["value"] for u in report["unmapped"]}
    assert unmapped == {"publisher_code": "131017", "url": "www.city.chiyoda.lg.jp/yosan"}
    assert set(report["extras_kept"]) == {"copyright", "frequency_note"}
    assert "modified" in report["missing"] and "publisher_code" not in report["missing"]
    assert not report["applied"] and report["errors"] == {}
    assert _raw(package_id) == before


def test_migration_keeps_every_field_of_a_default_schema_dataset():
    package_id = _legacy_dataset()
    before = _raw(package_id)
    sysadmin = factories.Sysadmin()

    [report] = migrate.migrate([package_id], {"user": sysadmin["name"]}, dry_run=False)
    assert report["applied"]

    after = helpers.call_action("package_show", id=package_id)
    # core fields are untouched (url was not a URL: it moved to an extra)
    for key in ("name", "title", "notes", "author", "author_email", "maintainer", "maintainer_email",
                "version", "owner_org", "private", "state", "type"):
        assert after[key] == before[key], key
    assert [t["name"] for t in after["tags"]] == ["予算"]
    assert [g["name"] for g in after["groups"]] == ["gove"]
    extras = {e["key"]: e["value"] for e in after["extras"]}
    assert extras["wards_unmapped_url"] == "www.city.chiyoda.lg.jp/yosan" and not after.get("url")
    # mapped into schema fields
    assert after["license_id"] == "CC-BY-4.0"
    assert after["frequency"] == "monthly" and after["language"] == ["ja"]
    assert after["issued"] == "2018-04-01"
    assert after["spatial_coverage"] == [{"text": "千代田区"}]
    assert after["theme"] == ["GOVE"]
    assert after["contact"] == [{"name": "情報政策課", "email": "opendata@city.chiyoda.lg.jp"}]
    # a rejected value is kept, not dropped; other extras stay
    assert extras["wards_unmapped_publisher_code"] == "131017" and after["publisher_code"] == "131016"
    assert extras["copyright"] == "千代田区" and extras["frequency_note"] == "毎月10日ごろ"
    # every original extra value is still somewhere in the dataset
    stored = json.dumps(after, ensure_ascii=False)
    for key, value in EXTRAS.items():
        assert value in stored or key in ("更新頻度", "言語", "公開日"), key
    # resources: every field kept, encoding mapped
    [res_before], [res_after] = before["resources"], after["resources"]
    for key in ("id", "url", "format", "name", "description", "size", "mimetype", "note", "文字コード2"):
        assert res_after[key] == res_before[key], key
    assert res_after["character_encoding"] == "Shift_JIS" and "encoding" not in res_after

    # a second run has nothing left to do
    [again] = migrate.migrate([package_id], {"user": sysadmin["name"]}, dry_run=True)
    assert again["mapped"] == [] and again["unmapped"] == []
    # the migrated dataset is found by its new fields
    assert helpers.call_action("package_search", fq="frequency:monthly")["count"] == 1


def test_cli_dry_run_prints_the_plan():
    _legacy_dataset()
    result = CliRunner().invoke(cli.wards, ["migrate", "--dry-run"])
    assert result.exit_code == 0, result.output
    assert "legacy-budget: would update" in result.output
    assert "map   extras.更新頻度 -> frequency = monthly" in result.output
    assert "1 datasets, 0 updated, 0 skipped (already in the shared schema), 0 would fail " \
        "(dry run: nothing written)" in result.output
    assert helpers.call_action("package_show", id="legacy-budget")["license_id"] == "cc-by"
