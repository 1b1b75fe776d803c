from __future__ import annotations

import ckan.plugins as p
import ckan.plugins.toolkit as tk

from ckanext.wards.plugin import _shared


class WardsComparePlugin(_shared.WardsConcernPlugin):
    """The standard ward report, the comparison page, collection of peers' reports."""

    p.implements(p.IConfigurer)

    logic_module = "ckanext.wards.logic.compare"
    views_module = "ckanext.wards.views.compare"

    def update_config(self, config):
        _shared.add_templates(config)
        # Chart.js and the page script, served with the page (no CDN)
        tk.add_resource("../assets", "wards_compare")
