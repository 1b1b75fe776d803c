from __future__ import annotations

import ckan.plugins as p
import ckan.plugins.toolkit as tk

from ckanext.wards.config import declarations, ini
from ckanext.wards.interfaces import IWardsScoring
from ckanext.wards.logic import dcat as logic
from ckanext.wards.plugin import _shared

PROFILES_OPTION = "ckanext.dcat.rdf.profiles"
WARDS_PROFILE = "wards_dcat_ap_3"


# IActions: ckanext-dcat's endpoints written by our serializer, and a catalogue page cache.
@tk.blanket.config_declarations(declarations.for_plugin("wards_dcat"))
@tk.blanket.actions(logic.get_actions)
class WardsDcatPlugin(_shared.WardsPlugin):
    """A ckanext-dcat profile for the shared vocabulary, DQV measurements, SHACL."""

    p.implements(p.IConfigurer)
    p.implements(p.IConfigurable)
    p.implements(p.IPackageController, inherit=True)
    p.implements(IWardsScoring, inherit=True)

    def update_config(self, config):
        _shared.add_templates(config)
        # ckanext-dcat reads its profiles with config.get(); when the portal's ini does not
        # name any, our profile is the one used (an ini or environment value always wins).
        if not ini.set_explicitly(config, PROFILES_OPTION):
            config[PROFILES_OPTION] = WARDS_PROFILE

    # IMiddleware: conditional GETs (ETag, Last-Modified, 304) on ckanext-dcat's RDF pages;
    # the hooks act on its dcat.* endpoints only and run after CKAN has identified the user.
    def make_middleware(self, app, config):
        app = super().make_middleware(app, config)
        if hasattr(app, "before_request"):
            from ckanext.wards.dcat import http
            app.before_request(http.before_request)
            app.after_request(http.after_request)
        return app

    # IWardsScoring: the scoring plugin's DCAT-AP compliance metric uses our validator.
    def wards_assess_dataset(self, dataset_dict):
        from ckanext.wards.dcat import shacl
        return {"dcat_compliant": shacl.dcat_validator(dataset_dict)}

    # IPackageController: the catalogue endpoint's page of datasets gets its stored
    # scores in two queries instead of two per dataset.
    def after_dataset_search(self, search_results, search_params):
        from ckanext.wards.dcat import quality
        return quality.prefetch_for_catalogue(search_results)
