from __future__ import annotations

import ckan.plugins as p

from ckanext.wards.interfaces import IWardsScoring
from ckanext.wards.plugin import _shared

PROFILES_OPTION = "ckanext.dcat.rdf.profiles"
WARDS_PROFILE = "wards_dcat_ap_3"


def profiles_set_explicitly(config) -> bool:
    """Whether the operator set ckanext.dcat.rdf.profiles (ini file or environment).

    By the time plugins see the config, CKAN has filled undeclared values with ckanext-dcat's
    declared default, so the ini file itself is read (with CKAN's own loader, which
    follows ``use = config:...`` chains)."""
    import os
    if os.environ.get("CKANEXT__DCAT__RDF__PROFILES"):
        return True
    path = config.get("__file__")
    if not path or not os.path.exists(path):
        return True  # cannot tell: leave ckanext-dcat's value alone
    try:
        from ckan.cli import CKANConfigLoader
        return PROFILES_OPTION in CKANConfigLoader(path).get_config()
    except Exception:
        return True


class WardsDcatPlugin(_shared.WardsPlugin):
    """A ckanext-dcat profile for the shared vocabulary, DQV measurements, SHACL."""

    p.implements(p.IConfigurer)
    p.implements(p.IConfigurable)
    p.implements(p.IPackageController, inherit=True)
    p.implements(p.IActions)
    p.implements(IWardsScoring, inherit=True)

    def update_config(self, config):
        _shared.add_templates(config)
        # ckanext-dcat reads its profiles with config.get(); when the portal's ini does not
        # name any, our profile is the one used (an ini or environment value always wins).
        if not profiles_set_explicitly(config):
            config[PROFILES_OPTION] = WARDS_PROFILE

    # IWardsScoring: the scoring plugin's DCAT-AP compliance metric uses our validator.
    def wards_assess_dataset(self, dataset_dict):
        from ckanext.wards import dcat
        return {"dcat_compliant": dcat.dcat_validator(dataset_dict)}

    # IPackageController: the catalogue endpoint's page of datasets gets its stored
    # scores in two queries instead of two per dataset.
    def after_dataset_search(self, search_results, search_params):
        try:
            from flask import has_request_context, request
            if has_request_context() and (request.endpoint or "").startswith("dcat."):
                from ckanext.wards import dcat
                dcat.prefetch_scores([r.get("id") for r in search_results.get("results") or []])
        except RuntimeError:
            pass
        return search_results

    # IActions: ckanext-dcat's endpoints written by our serializer, and a catalogue
    # page cache (logic/dcat.py).
    def get_actions(self):
        from ckanext.wards.logic import dcat as logic
        return logic.get_actions()
