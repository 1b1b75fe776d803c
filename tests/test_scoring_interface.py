"""IWardsScoring on the real stack: a plugin of this module, loaded by CKAN from
``ckan.plugins`` (CKAN's ``provide_plugin`` mark registers it under a plugin name), adds a
metric with its check and assessments; a broken one does not stop scoring."""
from __future__ import annotations

import pytest

import ckan.plugins as p
import ckan.tests.factories as factories
import ckan.tests.helpers as helpers

from ckanext.wards.interfaces import IWardsScoring
from ckanext.wards.scoring import bulk, extensions, jobs, spec, store

DOCUMENTATION = {
    "id": "ex:documentation", "dimension": "japan", "scope": "dataset", "points": 10,
    "check": "has_documentation", "field": "url",
    "label": {"en": "Documentation", "ja": "説明資料"},
    "fix": {"en": "Link the documentation.", "ja": "説明資料へのリンクを付けてください。"},
}


class ScoresDocumentation(p.SingletonPlugin):
    """Another extension: one metric, its check, and every kind of assessment."""
    p.implements(IWardsScoring, inherit=True)

    def wards_metrics(self):
        return [DOCUMENTATION]

    def wards_checks(self):
        return {"has_documentation": lambda s, i: float(bool(s.pkg.get("url")))}

    def wards_assess_dataset(self, dataset_dict):
        return {"dcat_compliant": True}

    def wards_assess_resource(self, dataset_dict, resource_dict):
        return {"conformance_ok": True, "rules_score": 90.0}


class Broken(p.SingletonPlugin):
    """An extension whose every method raises."""
    p.implements(IWardsScoring, inherit=True)

    def wards_metrics(self):
        return [dict(DOCUMENTATION, id="ex:broken", check="broken")]

    def wards_checks(self):
        return {"broken": lambda s, i: 1 / 0}

    def wards_assess_dataset(self, dataset_dict):
        raise RuntimeError("validator down")

    def wards_assess_resource(self, dataset_dict, resource_dict):
        raise RuntimeError("checker down")


# No wards_dcat: its real SHACL validation is not what these tests are about.
BASE_PLUGINS = "activity wards_schema wards_scoring"
pytestmark = [pytest.mark.usefixtures("clean_db", "clean_index", "with_plugins")]


def _create(sysadmin, name, standard="01_public_facility", **kw):
    org = factories.Organization()
    return helpers.call_action(
        "package_create", context={"user": sysadmin["name"]}, name=name, owner_org=org["id"],
        license_id="cc-by", tags=[{"name": "population"}], conforms_to=[standard],
        resources=[{"url": "https://x.lg.jp/t.csv", "format": "CSV"}], **kw)


@pytest.mark.provide_plugin("wards_test_scoring", ScoresDocumentation)
@pytest.mark.ckan_config("ckan.plugins", f"wards_test_scoring {BASE_PLUGINS}")
def test_rescore_job_runs_the_pluggable_checkers_and_keeps_their_results(sysadmin):
    pkg = _create(sysadmin, "toilets", url="https://x.lg.jp/about")
    assert p.get_plugin("wards_test_scoring") in extensions.plugins()
    jobs.rescore_dataset(pkg["id"])  # resource assessments
    jobs.validate_dataset(pkg["id"])  # the dataset's (DCAT-AP) assessment: its own job
    row = store.dataset_score_row(pkg["id"])
    assert row["metrics"]["wq:standardConformance"] == 30
    assert row["metrics"]["wq:readabilityRules"] == 27
    assert row["metrics"]["pv:dcatApCompliance"] == 30
    assert row["metrics"]["ex:documentation"] == 10
    bulk.rescore(package_ids=[pkg["id"]])  # bulk: no assessments, stored results kept
    assert store.dataset_score_row(pkg["id"])["metrics"] == row["metrics"]


@pytest.mark.provide_plugin("wards_test_scoring", ScoresDocumentation)
@pytest.mark.ckan_config("ckan.plugins", f"wards_test_scoring {BASE_PLUGINS}")
def test_a_plugins_metric_is_scored_labelled_and_counted(sysadmin):
    assert spec.max_points("japan") == 190 and spec.max_points("mqa") == 405
    pkg = _create(sysadmin, "undocumented")
    score = helpers.call_action("wards_dataset_score", context={"user": sysadmin["name"]},
                                id=pkg["id"], lang="ja")
    metric = next(m for m in score["metrics"] if m["id"] == "ex:documentation")
    assert metric["points"] == 0 and metric["assessed"] and metric["label"] == "説明資料"
    assert score["japan_max"] == 190
    fix = next(f for f in score["fixes"] if f["id"] == "ex:documentation")
    assert fix["points_gained"] == 10 and fix["fix"].startswith("説明資料")


@pytest.mark.provide_plugin("wards_test_broken", Broken)
@pytest.mark.ckan_config("ckan.plugins", f"wards_test_broken {BASE_PLUGINS}")
def test_a_broken_implementation_is_not_assessed(sysadmin, caplog, monkeypatch):
    pkg = _create(sysadmin, "broken")
    # CKAN's logging set-up (test.ini) disables loggers that existed before it ran
    monkeypatch.setattr(extensions.log, "disabled", False)
    with caplog.at_level("ERROR", logger=extensions.log.name):
        jobs.rescore_dataset(pkg["id"])  # no exception: scoring goes on
        result = jobs.validate_dataset(pkg["id"])
    metrics = {m["id"]: m for m in result["metrics"]}
    assert metrics["pv:dcatApCompliance"]["assessed"] is False and metrics["pv:dcatApCompliance"]["points"] == 0
    assert metrics["ex:broken"]["assessed"] is False and metrics["ex:broken"]["points"] == 0
    assert metrics["wq:readabilityRules"]["assessed"] is False
    row = store.dataset_score_row(pkg["id"])
    # the broken validator and file checker leave them not assessed (standard conformance
    # was 15, "declared, not checked", before the assessment states)
    assert row["dcat_compliant"] is None and row["metrics"]["wq:standardConformance"] == 0
    assert row["not_assessed"]["wq:standardConformance"] and row["not_assessed"]["pv:dcatApCompliance"]
    assert metrics["ex:broken"]["reason"] == "check_failed"
    assert "validator down" in caplog.text and "checker down" in caplog.text
