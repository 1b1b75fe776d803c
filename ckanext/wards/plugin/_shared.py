"""Pieces every wards plugin wires the same way."""
from __future__ import annotations

import yaml

import ckan.plugins as p
import ckan.plugins.toolkit as tk
from ckan.lib.plugins import DefaultTranslation

from pathlib import Path

from ckanext.wards import paths

_CONFIG_DECLARATION = Path(__file__).resolve().parent.parent / "config_declaration.yaml"


class WardsTranslation(p.SingletonPlugin, DefaultTranslation):
    """ja/en catalogue of ckanext-wards (``i18n/<locale>/LC_MESSAGES/ckanext-wards.mo``)."""

    p.implements(p.ITranslation, inherit=True)

    def i18n_directory(self) -> str:
        return str(paths.i18n_dir())

    def i18n_domain(self) -> str:
        return "ckanext-wards"


def add_templates(config) -> None:
    tk.add_template_directory(config, "../templates")


def declare_config(declaration, key) -> None:
    """Every ``ckanext.wards.*`` option, from config_declaration.yaml (loaded once)."""
    if key.ckanext.wards.peers in declaration:  # several wards plugins share one declaration
        return
    with open(_CONFIG_DECLARATION, encoding="utf-8") as f:
        declaration.load_dict(yaml.safe_load(f))
