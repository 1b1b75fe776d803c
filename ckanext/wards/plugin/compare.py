from __future__ import annotations

import ckan.plugins as p
import ckan.plugins.toolkit as tk

from ckanext.wards import helpers
from ckanext.wards.config import declarations
from ckanext.wards.logic import compare as logic
from ckanext.wards.logic import organization
from ckanext.wards.plugin import _shared
from ckanext.wards.views import compare as views
from ckanext.wards.views import coverage as coverage_views
from ckanext.wards.views import methodology
from ckanext.wards.views import standards as standard_views


@tk.blanket.config_declarations(declarations.for_plugin("wards_compare"))
# organization: who may say an organisation is a ward (the ward_code extra)
@tk.blanket.actions(_shared.merged(logic.get_actions, organization.get_actions))
@tk.blanket.auth_functions(logic.get_auth_functions)
# the methodology page defines the report's figures, so it is served with them; the
# standard datasets' pages are the IRIs dct:conformsTo names (dcat.uris.standard_uri)
@tk.blanket.blueprints(lambda: [views.compare_blueprint, methodology.methodology_blueprint,
                                standard_views.standards_blueprint, coverage_views.coverage_blueprint])
# the column headers link to the methodology page through h.wards_methodology_link
@tk.blanket.helpers(helpers)
class WardsComparePlugin(_shared.WardsPlugin):
    """The standard ward report, the comparison page, the methodology page, collection of
    peers' reports, and one page per 自治体標準オープンデータセット."""

    p.implements(p.IConfigurer)

    def update_config(self, config):
        _shared.add_templates(config)
        # Chart.js and the page script, served with the page (no CDN)
        tk.add_resource("../assets", "wards_compare")
