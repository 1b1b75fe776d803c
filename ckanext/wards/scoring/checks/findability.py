"""Checks of the MQA's findability dimension (metrics.yaml ``dimension: findability``).

Each check is called as ``check(subject, index)`` (``index`` is None for a dataset
metric) and returns the share that passes, 0.0 to 1.0, or None when not assessed."""
from __future__ import annotations

from ckanext.wards.lib.fields import field
from ckanext.wards.lib.lists import as_list


def has_keywords(s, i):
    return float(bool(as_list(field(s.pkg, "tags", "tag_string", "keywords", "keyword"))))


def has_theme(s, i):
    groups = [g for g in as_list(s.pkg.get("groups")) if not (isinstance(g, dict) and g.get("is_organization"))]
    return float(bool(as_list(field(s.pkg, "theme", "themes")) or groups))


def has_spatial(s, i):
    return float(bool(as_list(field(s.pkg, "spatial_coverage", "spatial", "spatial_uri", "spatial_text"))))


def has_temporal(s, i):
    return float(bool(as_list(field(s.pkg, "temporal_coverage", "temporal_start", "temporal_end"))))
