"""The DCAT concern of the wards_dcat plugin, laid out as ckanext-dcat lays out its own:

- ``profiles/wards_dcat_ap_3.py``: the profile (``WardsDCATAP3Profile``, entry point
  ``wards_dcat_ap_3``);
- ``uris.py``: namespaces and the IRIs of vocabulary terms, metrics and publishers;
- ``prepare.py``: a dataset dict read into what the stock profile writes;
- ``parse.py``: DCAT parsed back into the shared schema;
- ``quality.py``: stored scores as DQV measurements, and their prefetch;
- ``graphs.py``: what one output graph remembers (nodes described, prefixes);
- ``shacl.py``: shapes and SHACL validation (``validate-dcat``, the compliance metric);
- ``serializer.py``: profile selection and the endpoints' serializer;
- ``writers/``: our Turtle and JSON-LD writers; ``cache.py``: the catalogue page cache.

The actions are in ``ckanext.wards.logic.dcat``, the plugin in ``ckanext.wards.plugin.dcat``.

The names the flat module ``ckanext.wards.dcat`` had are still found here (loaded on first
use, so that importing a writer does not load ckanext-dcat); code in this package imports
them from their modules.
"""
from __future__ import annotations

import importlib
from typing import Any

_MOVED = {
    "profiles.wards_dcat_ap_3": ("WardsDCATAP3Profile",),
    "uris": ("DQV", "VCARD", "CNT_ENCODING", "spec", "themes", "theme_uri", "frequency_uris",
             "licence_uris", "licence_uri", "language_uris", "standards", "standard_uri",
             "metric_uri", "iana_uri"),
    "prepare": ("publisher_for", "LEGACY_CONTACT_FIELDS"),
    "quality": ("prefetch_scores", "stored_scores"),
    "shacl": ("OFFICIAL_SHAPES", "WARDS_SHAPES", "shapes_files", "shapes_graph", "dataset_graph",
              "validate_graph", "result_texts", "describe", "validate_datasets", "validate_dataset",
              "dcat_validator"),
}
_HOME = {name: module for module, names in _MOVED.items() for name in names}


def __getattr__(name: str) -> Any:
    module = _HOME.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(importlib.import_module(f"{__name__}.{module}"), name)


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(_HOME))
