from __future__ import annotations

import ckan.plugins as p

from ckanext.wards.plugin import _shared


class WardsComparePlugin(_shared.WardsTranslation):
    """The standard ward report, the comparison page, collection of peers' reports."""

    p.implements(p.IConfigurer)
    p.implements(p.IConfigDeclaration)

    def update_config(self, config):
        _shared.add_templates(config)

    def declare_config_options(self, declaration, key):
        _shared.declare_config(declaration, key)
