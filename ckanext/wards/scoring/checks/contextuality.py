"""Checks of the MQA's contextuality dimension (metrics.yaml ``dimension: contextuality``):
what each resource says about itself."""
from __future__ import annotations

from ckanext.wards.lib.lists import is_blank


def has_rights(s, i):
    # the resource's rights statement (Japanese or an address), or only its English text
    res = s.resources[i]
    return float(not is_blank(res.get("rights")) or not is_blank(res.get("rights_en")))


def has_byte_size(s, i):
    size = s.resources[i].get("size")
    try:
        return float(size not in (None, "") and int(size) >= 0)
    except (TypeError, ValueError):
        return 0.0


def has_issued(s, i):
    # ckanext-dcat emits dct:issued from `issued`, falling back to CKAN's `created`
    res = s.resources[i]
    return float(bool(res.get("issued") or res.get("created")))


def has_modified(s, i):
    res = s.resources[i]
    return float(bool(res.get("modified") or res.get("last_modified") or res.get("metadata_modified")))
