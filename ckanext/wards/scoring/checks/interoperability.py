"""Checks of the MQA's interoperability dimension (metrics.yaml
``dimension: interoperability``): formats, media types and DCAT-AP compliance."""
from __future__ import annotations

from ckanext.wards.formats import classify as formats
from ckanext.wards.scoring.states import NotAssessed


def has_format(s, i):
    return float(bool((s.resources[i].get("format") or "").strip()))


def has_media_type(s, i):
    res = s.resources[i]
    fmt = res.get("format") or ""
    return float(bool(res.get("mimetype")) or ("/" in fmt and formats.code_from_media_type(fmt) is not None))


def format_media_type_in_vocabulary(s, i):
    c = s.classes[i]
    media_ok = c["media_type_in_vocabulary"] or (
        formats.normalise_media_type(s.resources[i].get("format")) in formats.iana_media_types())
    return float(c["format_in_vocabulary"] and media_ok)


def non_proprietary(s, i):
    return float(s.classes[i]["mqa_non_proprietary"])


def machine_interpretable(s, i):
    return float(s.classes[i]["mqa_machine_readable"])


def dcat_ap_compliant(s, i):
    """The stored SHACL result (an IWardsScoring dataset assessment, ``dcat_compliant``);
    none stored: no plugin validates (wards_dcat not loaded) or it has not run yet."""
    if s.dcat_compliant is None:
        return NotAssessed("dcat_not_checked" if s.settings.dcat_validator else "validator_not_enabled")
    return float(bool(s.dcat_compliant))
