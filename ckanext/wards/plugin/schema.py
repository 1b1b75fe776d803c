from __future__ import annotations

import os

import ckan.plugins as p
from ckanext.scheming.plugins import SchemingDatasetsPlugin

import ckanext.wards
from ckanext.wards import licences, paths
from ckanext.wards.interfaces import IWardsScoring
from ckanext.wards.plugin import _shared


def default_schema_reference() -> str:
    """``ckanext.wards:<path>`` of our schema, relative to the package directory.

    Scheming joins the part after the colon to the module's directory, so a relative
    path works wherever ``schemas/`` is: ``../../schemas/...`` in a checkout or an
    editable install, ``_data/schemas/...`` in a wheel."""
    package_dir = os.path.dirname(os.path.abspath(ckanext.wards.__file__))
    relative = os.path.relpath(paths.schema_file("wards_dataset.yaml"), package_dir)
    return f"ckanext.wards:{relative}"


class WardsSchemaPlugin(SchemingDatasetsPlugin, _shared.WardsPlugin):
    """The shared-vocabulary dataset schema: scheming's dataset plugin serving
    ``schemas/wards_dataset.yaml`` (unless ``scheming.dataset_schemas`` names another),
    plus our validators, vocabulary helpers and the bulk import actions.

    Use it instead of ``scheming_datasets`` in ``ckan.plugins``."""

    p.implements(p.IConfigurer)
    p.implements(p.IValidators)
    p.implements(p.ITemplateHelpers)
    p.implements(p.IActions)
    p.implements(p.IAuthFunctions)
    p.implements(p.IConfigurable)
    p.implements(p.IPackageController, inherit=True)
    p.implements(IWardsScoring, inherit=True)

    def update_config(self, config):
        if not (config.get(self.SCHEMA_OPTION) or "").strip():
            config[self.SCHEMA_OPTION] = default_schema_reference()
        super().update_config(config)
        _shared.add_templates(config)  # prepended: our overrides of scheming's templates win

    def configure(self, config):
        super().configure(config)  # scheming's: it does not pass the call on
        _shared.check_config(config)
        licences.register_vocabulary()

    # IPackageController: licence titles in the request's language, not the indexer's.
    def after_dataset_show(self, context, pkg_dict):
        licences.refresh_licence_title(pkg_dict)

    def after_dataset_search(self, search_results, search_params):
        for pkg_dict in search_results["results"]:
            licences.refresh_licence_title(pkg_dict)
        return search_results

    def get_validators(self):
        from ckanext.wards import schema
        return {**super().get_validators(), **schema.validators()}

    def get_helpers(self):
        from ckanext.wards import schema
        return {**super().get_helpers(), **schema.helpers()}

    def get_actions(self):
        from ckanext.wards.logic import schema as logic
        from ckanext.wards.logic import standard_check
        return {**super().get_actions(), **logic.actions(), **standard_check.get_actions()}

    def get_auth_functions(self):
        from ckanext.wards.logic import schema as logic
        from ckanext.wards.logic import standard_check
        return {**logic.auth_functions(), **standard_check.get_auth_functions()}

    # IWardsScoring: the file checks of the re-score job (wq:standardConformance,
    # wq:readabilityRules) are the conformance checker of wards_standard_check.
    def wards_assess_resource(self, dataset_dict, resource_dict):
        from ckanext.wards.logic.standard_check import declared_standard, run_check
        from ckanext.wards.scoring import filechecks
        return filechecks.assess(dataset_dict, resource_dict, run_check, declared_standard)
