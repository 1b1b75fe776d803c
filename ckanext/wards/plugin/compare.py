from __future__ import annotations

import ckan.plugins as p
import ckan.plugins.toolkit as tk

from ckanext.wards import cli
from ckanext.wards.plugin import _shared


class WardsComparePlugin(_shared.WardsTranslation):
    """The standard ward report, the comparison page, collection of peers' reports."""

    p.implements(p.IConfigurer)
    p.implements(p.IConfigDeclaration)
    p.implements(p.IClick)
    p.implements(p.IActions)
    p.implements(p.IAuthFunctions)
    p.implements(p.IBlueprint)

    def update_config(self, config):
        _shared.add_templates(config)
        # Chart.js and the page script, served with the page (no CDN)
        tk.add_resource("../assets", "wards_compare")

    def declare_config_options(self, declaration, key):
        _shared.declare_config(declaration, key)

    # IClick: every wards plugin offers the same `ckan wards` group.
    def get_commands(self):
        return cli.get_commands()

    # IActions, IAuthFunctions
    def get_actions(self):
        from ckanext.wards.logic import compare as logic
        return logic.get_actions()

    def get_auth_functions(self):
        from ckanext.wards.logic import compare as logic
        return logic.get_auth_functions()

    # IBlueprint
    def get_blueprint(self):
        from ckanext.wards.views import compare as views
        return views.get_blueprints()
