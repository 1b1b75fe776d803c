"""The score fields as search facets: their titles and value labels in ja and en, from
``schemas/search-facets.yaml`` (rating bands from ``schemas/metrics.yaml``).

Titles go into CKAN's facet dicts (``IFacets``); value labels become the facet items'
``display_name`` (``after_dataset_search``), which both the sidebar (``facet_list.html``)
and the pill of an active filter (``search_form.html``, through ``h.list_dict_filter``)
show, so no template is overridden.
"""
from __future__ import annotations

import functools
from collections import OrderedDict
from typing import Any

import yaml

from ckanext.wards import paths
from ckanext.wards.scoring import spec

FACETS_FILE = "search-facets.yaml"


@functools.lru_cache(maxsize=1)
def facet_spec() -> tuple[dict[str, Any], ...]:
    """The facets of ``schemas/search-facets.yaml``, ``values: bands`` resolved."""
    with open(paths.schema_file(FACETS_FILE), encoding="utf-8") as f:
        entries = yaml.safe_load(f)["facets"]
    bands = {b["id"]: b["label"] for b in spec.spec()["bands"]}
    return tuple({**e, "values": bands if e["values"] == "bands" else e["values"]} for e in entries)


def _by_field() -> dict[str, dict[str, Any]]:
    return {e["field"]: e for e in facet_spec()}


def _text(labels: dict[str, str], lang: str, default: str) -> str:
    return labels.get(lang) or labels.get("en") or default


def facet_fields() -> list[str]:
    return [e["field"] for e in facet_spec()]


def facet_title(field: str, lang: str) -> str:
    entry = _by_field().get(field)
    return _text(entry["title"], lang, field) if entry else field


def value_label(field: str, value: Any, lang: str) -> str:
    """The label of one indexed value (``wards_rating`` ``good`` → ``良``); the value itself
    when the file names no label for it."""
    entry = _by_field().get(field)
    labels = (entry or {}).get("values", {}).get(str(value))
    return _text(labels, lang, str(value)) if labels else str(value)


def add_facets(facets_dict: "OrderedDict[str, Any]", lang: str) -> "OrderedDict[str, Any]":
    """``IFacets``: ours after the facets already there (CKAN's and other plugins')."""
    for field in facet_fields():
        facets_dict[field] = facet_title(field, lang)
    return facets_dict


def label_items(search_facets: dict[str, Any], lang: str) -> dict[str, Any]:
    """``after_dataset_search``: each item of our facets gets its label as ``display_name``
    (and the facet its title); other facets are left alone."""
    for field, facet in search_facets.items():
        if field in _by_field():
            facet["title"] = facet_title(field, lang)
            for item in facet.get("items") or ():
                item["display_name"] = value_label(field, item["name"], lang)
    return search_facets

