"""One declaration per plugin, for ``tk.blanket.config_declarations``.

Every wards plugin declares ``common.yaml`` and its own ``<plugin>.yaml``; CKAN refuses an
option declared twice, so a common option another wards plugin has declared already is left
out (the options are the same, whichever plugin declares them first).
"""
from __future__ import annotations

from pathlib import Path
from typing import Any, Callable

import yaml

HERE = Path(__file__).resolve().parent
COMMON = "common"
PLUGINS = ("wards_schema", "wards_scoring", "wards_compare", "wards_dcat")


def _load(name: str) -> dict[str, Any]:
    with open(HERE / f"{name}.yaml", encoding="utf-8") as f:
        return yaml.safe_load(f)


def declared_keys(name: str) -> list[str]:
    """The keys ``<name>.yaml`` declares, in its order."""
    return [option["key"] for group in _load(name)["groups"] for option in group["options"]]


def _without(data: dict[str, Any], declaration) -> dict[str, Any]:
    groups = [{**group, "options": [o for o in group["options"] if o["key"] not in declaration]}
              for group in data["groups"]]
    return {**data, "groups": [group for group in groups if group["options"]]}


def for_plugin(plugin: str) -> Callable[[Any, Any], None]:
    """``declare_config_options`` of ``plugin``: the common options not declared yet, then
    the plugin's own."""
    def declare_config_options(declaration, key) -> None:
        declaration.load_dict(_without(_load(COMMON), declaration))
        declaration.load_dict(_load(plugin))
    return declare_config_options
