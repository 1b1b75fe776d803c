from __future__ import annotations

import ckan.plugins as p

from ckanext.wards import cli
from ckanext.wards.plugin import _shared


class WardsDcatPlugin(_shared.WardsTranslation):
    """A ckanext-dcat profile for the shared vocabulary, DQV measurements, SHACL."""

    p.implements(p.IConfigurer)
    p.implements(p.IConfigDeclaration)
    p.implements(p.IClick)

    def update_config(self, config):
        _shared.add_templates(config)

    def declare_config_options(self, declaration, key):
        _shared.declare_config(declaration, key)

    # IClick: every wards plugin offers the same `ckan wards` group.
    def get_commands(self):
        return cli.get_commands()
