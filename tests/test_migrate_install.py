"""`ckan wards migrate` on an existing portal (issue 16, item 3 and the vocabulary gaps):
every licence of CKAN's register maps and a rewritten id is kept, the dry run names
rewrites and failures, migrated datasets are skipped, one bulk score instead of a job
per dataset."""
from __future__ import annotations

import pytest
from click.testing import CliRunner

import ckan.model as model
from ckan.lib import jobs as ckan_jobs
from ckan.model.license import LicenseRegister
from ckan.tests import factories, helpers

from ckanext.wards import cli
from ckanext.wards.schema import migrate
from ckanext.wards.vocab import licences, loader
from ckanext.wards import model as wards_model
from tests.conftest import WARDS_PLUGINS

pytestmark = [
    pytest.mark.ckan_config("ckan.plugins", WARDS_PLUGINS),
    pytest.mark.usefixtures("clean_db", "clean_index", "with_plugins"),
]


def _stored(name, license_id="odc-pddl", extras=None, groups=(), **columns):
    """A default-schema dataset written to the database as plain CKAN keeps it."""
    org = model.Group.get("somu") or model.Group.get(factories.Organization(name="somu", title="総務部")["id"])
    pkg = model.Package(name=name, title=name, owner_org=org.id, type="dataset", state="active",
                        private=False, license_id=license_id, **columns)
    model.Session.add(pkg)
    pkg.extras = dict(extras or {})
    model.Session.flush()
    for title in groups:
        group = model.Group.get(factories.Group(title=title)["id"])
        model.Session.add(model.Member(group=group, table_id=pkg.id, table_name="package", capacity="public"))
    model.repo.commit_and_remove()
    return model.Package.get(name).id


def _run(*args):
    result = CliRunner().invoke(cli.wards, ["migrate", *args])
    return result


def test_every_licence_of_ckans_register_and_of_japanese_portals_maps_to_the_vocabulary():
    ckan_ids = [licence.id for licence in LicenseRegister().licenses]
    assert {"cc-by", "odc-pddl", "gfdl", "uk-ogl", "other-at", "notspecified"} <= set(ckan_ids)
    portal_ids = ["CC-BY-4.0", "cc-by-40-intl", "japanese-20", "japanese-10", "cc-by-21-jp", "PDL1.0"]
    for licence_id in ckan_ids + portal_ids:
        canonical = loader.normalise_term("licenses", licence_id)
        assert licences.licence(canonical), licence_id
    assert loader.normalise_term("licenses", "odc-pddl") == "ODC-PDDL" and licences.licence("ODC-PDDL")["open"]


def test_a_rewritten_licence_keeps_its_original_id_and_the_dry_run_reports_it():
    package_id = _stored("pddl-data")
    dry = _run("--dry-run")
    assert dry.exit_code == 0, dry.output
    assert "rewrite license_id odc-pddl -> ODC-PDDL (original kept as extra wards_original_license_id)" in dry.output
    assert _run().exit_code == 0
    shown = helpers.call_action("package_show", id=package_id)
    assert (shown["license_id"], shown["isopen"]) == ("ODC-PDDL", True)
    assert {e["key"]: e["value"] for e in shown["extras"]}["wards_original_license_id"] == "odc-pddl"


def test_migrated_and_shared_schema_datasets_are_skipped_without_an_activity(org):
    legacy_id = _stored("legacy-one", license_id="cc-by", extras={"更新頻度": "月次"})
    from tests.test_schema_stack import toilets
    sysadmin = factories.Sysadmin()
    # in the shared schema with every field migrate fills (one without access_rights gets
    # the default PUBLIC stored by its first migrate: tests/test_access_rights.py)
    helpers.call_action("package_create", context={"user": sysadmin["name"]},
                        **dict(toilets(org), access_rights="PUBLIC"))
    first = _run()
    assert first.exit_code == 0, first.output
    assert "legacy-one: updated" in first.output and "public-toilets: already in the shared schema, skipped" in first.output
    modified = model.Package.get(legacy_id).metadata_modified
    activities = model.Session.execute(
        model.meta.metadata.tables["activity"].select().where(
            model.meta.metadata.tables["activity"].c.object_id == legacy_id)).fetchall()

    again = _run()
    assert again.exit_code == 0, again.output
    assert "legacy-one: already in the shared schema, skipped" in again.output
    assert "2 datasets, 0 updated, 2 skipped" in again.output
    model.Session.expire_all()
    assert model.Package.get(legacy_id).metadata_modified == modified
    assert len(model.Session.execute(
        model.meta.metadata.tables["activity"].select().where(
            model.meta.metadata.tables["activity"].c.object_id == legacy_id)).fetchall()) == len(activities)


def test_migrate_queues_no_job_per_dataset_and_scores_once_in_bulk():
    ids = [_stored(f"bulk-{i}", license_id="cc-by") for i in range(3)]
    queue = ckan_jobs.get_queue()
    queue.empty()
    result = _run()
    assert result.exit_code == 0, result.output
    assert "scored 3 updated datasets" in result.output
    titles = [job.description or "" for job in queue.jobs]
    assert not [t for t in titles if "re-score" in t], titles
    scored = model.Session.query(wards_model.DatasetScore.package_id).filter(
        wards_model.DatasetScore.package_id.in_(ids)).all()
    assert {row[0] for row in scored} == set(ids)


def test_the_dry_run_names_the_datasets_that_would_fail_and_why():
    _stored("ok-data")
    _stored("Bad Name!")  # plain CKAN's database accepts what package_update will refuse
    result = _run("--dry-run")
    assert result.exit_code == 1, result.output
    assert "Bad Name!: would FAIL, left as it is" in result.output
    assert "  error name:" in result.output
    assert "ok-data: would update" in result.output
    assert "1 would fail (dry run: nothing written)" in result.output


def test_fiscal_years_compound_categories_and_bom_encodings_are_understood():
    package_id = _stored("kosodate", extras={"対象期間": "令和5年度"},
                         groups=("子育て・教育", "防災・安全", "健康・福祉"))
    pkg = model.Package.get(package_id)
    resource = model.Resource(package_id=pkg.id, url="https://x.lg.jp/a.xlsx", format="エクセル",
                              extras={"文字コード": "UTF-8(BOM付き)"})
    resource.position = 0
    model.Session.add(resource)
    model.repo.commit_and_remove()
    assert _run().exit_code == 0
    shown = helpers.call_action("package_show", id=package_id)
    assert shown["temporal_coverage"] == [{"start": "2023-04-01", "end": "2024-03-31"}]
    assert set(shown["theme"]) == {"SOCI", "EDUC", "JUST", "HEAL"}
    assert shown["resources"][0]["character_encoding"] == "UTF-8"
    assert "対象期間" not in {e["key"] for e in shown["extras"]}
    assert migrate.migrate([package_id], {"user": factories.Sysadmin()["name"]})[0]["skipped"]
