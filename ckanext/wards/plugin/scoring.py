from __future__ import annotations

import ckan.plugins as p
import ckan.plugins.toolkit as tk

from ckanext.wards import helpers
from ckanext.wards.config import checks, declarations
from ckanext.wards.logic import scoring as logic
from ckanext.wards.plugin import _shared
from ckanext.wards.schema.migrate import CONTEXT_FLAG
from ckanext.wards.scoring import index, jobs
from ckanext.wards.views import scorecard, vocabulary


@tk.blanket.config_declarations(declarations.for_plugin("wards_scoring"))
@tk.blanket.actions(logic.get_actions)
@tk.blanket.auth_functions(logic.get_auth_functions)
@tk.blanket.blueprints(lambda: [scorecard.scorecard_blueprint, vocabulary.vocabulary_blueprint])
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
    # The files of its resources are checked by a job each (unchanged ones are skipped).
    def after_dataset_create(self, context, pkg_dict):
        jobs.after_change(pkg_dict.get("id"), jobs.active_resource_ids(pkg_dict.get("id")))

    def after_dataset_update(self, context, pkg_dict):
        if not context.get(CONTEXT_FLAG):  # a migration scores its datasets once, in bulk
            jobs.after_change(pkg_dict.get("id"), jobs.active_resource_ids(pkg_dict.get("id")))

    def after_dataset_delete(self, context, pkg_dict):
        jobs.after_change(pkg_dict.get("id"))

    def before_dataset_index(self, pkg_dict):
        return index.index_fields(pkg_dict)

    # IResourceController: a new or changed resource gets its file and its link checked.
    def after_resource_create(self, context, resource):
        jobs.after_resource_change(resource)

    def after_resource_update(self, context, resource):
        jobs.after_resource_change(resource)
