from __future__ import annotations

import json
import logging

import ckan.plugins as p
import ckan.plugins.toolkit as tk

from ckanext.wards import helpers
from ckanext.wards.config import checks, declarations
from ckanext.wards.logic import scoring as logic
from ckanext.wards.plugin import _shared
from ckanext.wards.views import scorecard as views

log = logging.getLogger(__name__)


@tk.blanket.config_declarations(declarations.for_plugin("wards_scoring"))
@tk.blanket.actions(logic.get_actions)
@tk.blanket.auth_functions(logic.get_auth_functions)
@tk.blanket.blueprints(views)
@tk.blanket.helpers(helpers)
class WardsScoringPlugin(_shared.WardsPlugin):
    """Resource and dataset scores, the scorecard, score fields in the search index."""

    p.implements(p.IConfigurer)
    p.implements(p.IPackageController, inherit=True)
    p.implements(p.IResourceController, inherit=True)

    def update_config(self, config):
        _shared.add_templates(config)

    def configure(self, config):
        super().configure(config)
        checks.check_linkcheck(config)

    # IPackageController: re-score in the background after every change.
    def after_dataset_create(self, context, pkg_dict):
        _enqueue(pkg_dict.get("id"))

    def after_dataset_update(self, context, pkg_dict):
        from ckanext.wards.schema.migrate import CONTEXT_FLAG
        if not context.get(CONTEXT_FLAG):  # a migration scores its datasets once, in bulk
            _enqueue(pkg_dict.get("id"))

    def after_dataset_delete(self, context, pkg_dict):
        _enqueue(pkg_dict.get("id"))

    def before_dataset_index(self, pkg_dict):
        """Score fields for search filters and facets (see search_fields)."""
        try:
            pkg_dict.update(search_fields(json.loads(pkg_dict["validated_data_dict"])))
        except Exception:  # a scoring bug must never stop indexing
            log.exception("wards: could not add score fields for %s", pkg_dict.get("id"))
        return pkg_dict

    # IResourceController: a new or changed resource URL gets its link checked
    # (the dataset re-score itself comes from after_dataset_update).
    def after_resource_create(self, context, resource):
        _link_check(resource)

    def after_resource_update(self, context, resource):
        _link_check(resource)


def _enqueue(package_id):
    if not package_id:
        return
    from ckanext.wards.scoring import jobs
    try:
        jobs.enqueue_rescore(package_id)
    except Exception:  # Redis down: the nightly `ckan wards score --all` catches up
        log.exception("wards: could not enqueue re-score of %s", package_id)


def _link_check(resource):
    from ckanext.wards.scoring import linkcheck, subject
    if resource.get("package_id") and linkcheck.linkcheck_enabled():
        linkcheck.enqueue_link_check(resource["package_id"], subject.resource_urls({"resources": [resource]}))


def search_fields(pkg: dict) -> dict:
    """Solr fields from a dataset's score (``scoring/index.py``)."""
    from ckanext.wards.scoring import index
    return index.search_fields(pkg)
