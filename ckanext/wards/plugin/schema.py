from __future__ import annotations

import ckan.plugins as p
import ckan.plugins.toolkit as tk
from ckanext.scheming import helpers as scheming_helpers
from ckanext.scheming import validation as scheming_validation
from ckanext.scheming.plugins import SchemingDatasetsPlugin

from ckanext.wards import helpers, paths
from ckanext.wards.config import declarations
from ckanext.wards.logic import importing, standard_check
from ckanext.wards.logic import validators as wards_validators
from ckanext.wards.interfaces import IWardsScoring
from ckanext.wards.plugin import _shared
from ckanext.wards.schema import dataset
from ckanext.wards.schema.migrate import CONTEXT_FLAG
from ckanext.wards.vocab import access_rights, licences

# This plugin replaces scheming_datasets: scheming's validators and helpers, then ours.
_validators = _shared.merged(lambda: scheming_validation.all_validators, wards_validators.validators)
_helpers = _shared.merged(lambda: scheming_helpers.all_helpers, helpers.all_helpers)
_actions = _shared.merged(importing.get_actions, standard_check.get_actions)
_auth_functions = _shared.merged(importing.get_auth_functions, standard_check.get_auth_functions)


@tk.blanket.config_declarations(declarations.for_plugin("wards_schema"))
@tk.blanket.validators(_validators)
@tk.blanket.helpers(_helpers)
@tk.blanket.auth_functions(_auth_functions)
class WardsSchemaPlugin(SchemingDatasetsPlugin, _shared.WardsPlugin):
    """The shared-vocabulary dataset schema: scheming's dataset plugin serving
    ``schemas/wards_dataset.yaml`` (unless ``scheming.dataset_schemas`` names another),
    plus our validators, vocabulary helpers, the bulk import and the standard check.

    Use it instead of ``scheming_datasets`` in ``ckan.plugins``."""

    p.implements(p.IConfigurer)
    p.implements(p.IConfigurable)
    p.implements(p.IPackageController, inherit=True)
    p.implements(IWardsScoring, inherit=True)

    def update_config(self, config):
        if not (config.get(self.SCHEMA_OPTION, "") or "").strip():
            config[self.SCHEMA_OPTION] = paths.default_schema_reference()
        config["scheming.presets"] = dataset.presets_option(config.get("scheming.presets", ""))  # + ours
        super().update_config(config)
        _shared.add_templates(config)  # prepended: our overrides of scheming's templates win

    def configure(self, config):
        super().configure(config)  # scheming's: it does not pass the call on
        _shared.WardsPlugin.configure(self, config)
        licences.register_vocabulary()

    # IActions: scheming's own actions come from its method (they have no registry).
    def get_actions(self):
        return {**super().get_actions(), **_actions()}

    # IPackageController: licence titles in the request's language, not the indexer's;
    # the default access rights (PUBLIC) on a dataset that stores none. Not on an
    # unvalidated show nor for migrate: they read what is stored, legacy extras included.
    def after_dataset_show(self, context, pkg_dict):
        licences.refresh_licence_title(pkg_dict)
        if context.get("validate", True) is not False and not context.get(CONTEXT_FLAG):
            access_rights.with_default(pkg_dict)

    def after_dataset_search(self, search_results, search_params):
        for pkg_dict in search_results["results"]:
            licences.refresh_licence_title(pkg_dict)
        return search_results

    # IWardsScoring: the file checks (wq:standardConformance, wq:readabilityRules) are the
    # conformance checker of wards_standard_check, run by scoring's file-check jobs and
    # ``ckan wards check-files``; the assessment is their stored result.
    wards_file_checker = True  # scoring.filechecks: the stored check is this hook's answer

    def wards_assess_resource(self, dataset_dict, resource_dict):
        from ckanext.wards.scoring import filechecks
        return filechecks.stored_assessment(resource_dict["id"])
