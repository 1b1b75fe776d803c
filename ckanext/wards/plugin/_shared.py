"""What every wards plugin wires alike."""
from __future__ import annotations

from pathlib import Path
from typing import Any, Callable

import ckan.plugins as p
import ckan.plugins.toolkit as tk
from ckan.lib.plugins import DefaultTranslation

from ckanext.wards import cli, paths
from ckanext.wards.config import checks


@tk.blanket.cli(cli)
class WardsPlugin(p.SingletonPlugin, DefaultTranslation):
    """What every wards plugin offers alike: the ja/en catalogue of ckanext-wards
    (``i18n/<locale>/LC_MESSAGES/ckanext-wards.mo``), the ``ckan wards`` command group and
    the start-up checks of the options every plugin reads (``config/common.yaml``). Each
    plugin declares its own options with ``tk.blanket.config_declarations``."""

    p.implements(p.ITranslation, inherit=True)
    p.implements(p.IConfigurable, inherit=True)
    p.implements(p.IMiddleware, inherit=True)

    def configure(self, config):
        checks.check_common(config)

    # IMiddleware: the plural rule of the request's language, whatever the plugin order
    # (lib.language.restore_plural_rule); registered once per app by whichever plugin is first.
    def make_middleware(self, app, config):
        if hasattr(app, "before_request") and not getattr(app, "_wards_plural_rule", False):
            from ckanext.wards.lib.language import restore_plural_rule
            app.before_request(restore_plural_rule)
            app._wards_plural_rule = True
        return app

    def i18n_directory(self) -> str:
        return str(paths.i18n_dir())

    def i18n_domain(self) -> str:
        return "ckanext-wards"


def merged(*registries: Callable[[], dict[str, Any]]) -> Callable[[], dict[str, Any]]:
    """A blanket subject: the entries of several registries (``get_actions`` of two logic
    modules), read when CKAN asks for them."""
    def entries() -> dict[str, Any]:
        return {name: item for registry in registries for name, item in registry().items()}
    return entries


def add_templates(config) -> None:
    """Our templates, searched before every directory added so far: CKAN configures the
    plugins last to first, so without the move scheming's directory (added by
    wards_schema) would hide our overrides of its templates."""
    ours = str(Path(__file__).resolve().parent.parent / "templates")
    config["plugin_template_paths"] = [
        path for path in config.get("plugin_template_paths", [])
        if str(Path(path).resolve()) != ours]
    tk.add_template_directory(config, "../templates")
