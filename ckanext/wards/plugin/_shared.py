"""Pieces every wards plugin wires the same way."""
from __future__ import annotations

import importlib

import yaml

import ckan.plugins as p
import ckan.plugins.toolkit as tk
from ckan.lib.plugins import DefaultTranslation

from pathlib import Path

from ckanext.wards import cli, paths

_CONFIG_DECLARATION = Path(__file__).resolve().parent.parent / "config_declaration.yaml"


class WardsPlugin(p.SingletonPlugin, DefaultTranslation):
    """What every wards plugin offers alike: the ja/en catalogue of ckanext-wards
    (``i18n/<locale>/LC_MESSAGES/ckanext-wards.mo``), the ``ckanext.wards.*`` options and
    the ``ckan wards`` command group."""

    p.implements(p.ITranslation, inherit=True)
    p.implements(p.IConfigDeclaration)
    p.implements(p.IClick)
    p.implements(p.IConfigurable, inherit=True)

    def configure(self, config):
        check_config(config)

    def i18n_directory(self) -> str:
        return str(paths.i18n_dir())

    def i18n_domain(self) -> str:
        return "ckanext-wards"

    def declare_config_options(self, declaration, key):
        """Every ``ckanext.wards.*`` option, from config_declaration.yaml (loaded once)."""
        if key.ckanext.wards.peers in declaration:  # several wards plugins share one declaration
            return
        with open(_CONFIG_DECLARATION, encoding="utf-8") as f:
            declaration.load_dict(yaml.safe_load(f))

    def get_commands(self):
        return cli.get_commands()


class WardsConcernPlugin(WardsPlugin):
    """A wards plugin whose actions and auth functions come from one logic module
    (``get_actions()``, ``get_auth_functions()``) and whose pages from one views module
    (``get_blueprints()``), both named by the subclass.

    The modules are imported when CKAN asks for them, not when the plugin is loaded."""

    p.implements(p.IActions)
    p.implements(p.IAuthFunctions)
    p.implements(p.IBlueprint)

    logic_module: str
    views_module: str

    def get_actions(self):
        return importlib.import_module(self.logic_module).get_actions()

    def get_auth_functions(self):
        return importlib.import_module(self.logic_module).get_auth_functions()

    def get_blueprint(self):
        return importlib.import_module(self.views_module).get_blueprints()


def add_templates(config) -> None:
    """Our templates, searched before every directory added so far: CKAN configures the
    plugins last to first, so without the move scheming's directory (added by
    wards_schema) would hide our overrides of its templates."""
    ours = str(Path(__file__).resolve().parent.parent / "templates")
    config["plugin_template_paths"] = [
        path for path in config.get("plugin_template_paths", [])
        if str(Path(path).resolve()) != ours]
    tk.add_template_directory(config, "../templates")


def check_config(config) -> None:
    """Refuse to start with an option that would fail later: a ``ckanext.wards.ward_code``
    that is no valid code (CKAN's ini keeps a comment after a value as part of it, and
    every publisher code, report and migrated dataset would carry it), and the
    ``ckanext.wards.fetch.*`` and ``linkcheck.host_interval`` options, parsed by the very
    functions that use them (so the rules live in one place)."""
    from ckan.exceptions import CkanConfigurationException
    from ckanext.wards.lib import fetch
    from ckanext.wards.scoring import linkcheck
    _check_portal_ward_code(config)
    for parse in (fetch.Policy.from_config, linkcheck.host_interval):
        try:
            parse(config)
        except ValueError as error:  # the message names the option
            raise CkanConfigurationException(str(error)) from None


def _check_portal_ward_code(config) -> None:
    from ckan.exceptions import CkanConfigurationException
    from ckanext.wards import schema
    value = str(config.get("ckanext.wards.ward_code") or "").strip()
    if not value:
        return
    try:
        valid = schema.normalise_lg_code(value) == value
    except schema.SchemaValueError as error:
        raise CkanConfigurationException(f"ckanext.wards.ward_code = {value!r}: {error}") from None
    if not valid:
        raise CkanConfigurationException(
            f"ckanext.wards.ward_code = {value!r}: write the 6 ASCII digits alone (e.g. 131016)")
