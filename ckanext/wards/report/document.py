"""The standard ward report document (``schemas/ward-report.schema.json``, JSON Schema
2020-12): one ward's *public* catalogue, its counts and, for every share, the numerator and
the denominator. Built from the figures (``report.figures``) of all the ward's
organisations (``vocab.organizations``), validated here (the schema, then the rules a schema
cannot say) before a collected report is kept.
"""
from __future__ import annotations

import datetime as dt
import functools
import json
from typing import Any, Optional

from ckanext.wards import paths
from ckanext.wards.lib import dates
from ckanext.wards.lib.site import site_url
from ckanext.wards.report import figures as report_figures
from ckanext.wards.scoring import extensions, spec
from ckanext.wards.report.figures import DATASET_SHARES, FILE_LEVEL_SHARES, RATING_BANDS, RESOURCE_SHARES
from ckanext.wards.vocab.wards import lg_code_ok
from ckanext.wards.vocab import organizations

SCHEMA_VERSION = "1.1"
# The count each share's unit is a share of.
UNIT_COUNTS = {"dataset": "datasets", "resource": "resources",
               "checked_tabular_resource": "tabular_resources_checked",
               "declared_standard_dataset": "standards_declared"}


@functools.lru_cache(maxsize=None)
def report_schema() -> dict[str, Any]:
    with open(paths.schema_file("ward-report.schema.json"), encoding="utf-8") as f:
        return json.load(f)


def ward_identity(ward: dict[str, str], org_name: Optional[str] = None) -> dict[str, str]:
    out = {"code": ward["lg_code"], "name_ja": ward["name_ja"],
           "name_en": ward.get("name_en_conventional") or ward.get("name_en") or ward["name_ja"]}
    if org_name:
        out["organization"] = org_name
    return out


def build_report(ward: dict[str, str], figures: dict[str, Any], portal_url: str,
                 computed_at: Optional[str] = None, org_name: Optional[str] = None,
                 report_url: Optional[str] = None) -> dict[str, Any]:
    """The report document from an organisation's figures (``figures.org_figures``)."""
    datasets = int(figures["datasets"])
    resources = int(figures["resources"])
    shares = {k: {"numerator": int(figures[k]), "denominator": datasets, "unit": "dataset"}
              for k in DATASET_SHARES}
    shares.update({k: {"numerator": int(figures[k]), "denominator": resources, "unit": "resource"}
                   for k in RESOURCE_SHARES})
    # The file checks' shares, each over its own count (figures of older versions lack them).
    tabular = int(figures.get("tabular_resources_checked") or 0)
    declared = int(figures.get("standards_declared") or 0)
    shares.update({k: {"numerator": int(figures.get(k) or 0), "denominator": tabular,
                       "unit": "checked_tabular_resource"} for k in FILE_LEVEL_SHARES})
    shares["standards_verified_by_file"] = {"numerator": int(figures.get("standards_verified_by_file") or 0),
                                            "denominator": declared, "unit": "declared_standard_dataset"}
    mean = figures.get("mqa_points_mean")
    japan_mean = figures.get("japan_points_mean")
    doc = {
        "schema_version": SCHEMA_VERSION,
        "ward": ward_identity(ward, org_name),
        "portal_url": portal_url,
        "computed_at": computed_at or report_figures.now_utc(),
        "methodology": _methodology(),
        "counts": {"datasets": datasets, "resources": resources,
                   "tabular_resources_checked": tabular, "standards_declared": declared},
        "shares": shares,
        "star_levels": [{"level": k, "numerator": int(figures[f"star{k}"]), "denominator": datasets}
                        for k in range(6)],
        "ratings": [{"band": b, "numerator": int(figures[f"rating_{b}"]), "denominator": datasets}
                    for b in RATING_BANDS],
        "quality": {"mqa_points_mean": None if mean is None else round(float(mean), 1),
                    "mqa_points_max": 405,
                    # the schema's 0-100 score: mean Japan points over their maximum (180
                    # today; plugins' Japan metrics add to it), which is given beside it
                    "japan_score_mean": None if japan_mean is None
                    else round(float(japan_mean) * 100.0 / _japan_points_max(), 1),
                    "japan_points_max": _japan_points_max(),
                    **assessed_shares(figures)},
    }
    if report_url:
        doc["report_url"] = report_url
    return doc


def assessed_shares(figures: dict[str, Any]) -> dict[str, Any]:
    """The share of assessable points earned (metrics not assessed left out), MQA and
    Japan, with its numerator and denominator: ``mqa_points`` stays as data.europa.eu
    counts it, this says how much of what could be checked passed."""
    out: dict[str, Any] = {}
    for part in ("mqa", "japan"):
        earned = int(figures.get(f"{part}_points_earned") or 0)
        assessable = int(figures.get(f"{part}_points_assessable") or 0)
        out[f"{part}_assessed_points"] = {"numerator": earned, "denominator": assessable}
        out[f"{part}_assessed_share"] = round(earned / assessable, 4) if assessable else None
    return out


def _methodology() -> str:
    try:
        from ckanext.wards.scoring import spec
        return str(spec.spec().get("methodology") or "")
    except Exception:  # the report is readable without the scoring plugin's data
        return ""


def report_url_for(org_name: str) -> str:
    return f"{site_url()}/wards/report/{org_name}.json"


def computed_time(doc: dict[str, Any]) -> dt.datetime:
    """The report's ``computed_at`` as naive UTC (how the snapshot table keeps times);
    ``ValueError`` when it is no time (2026-02-30T00:00:00Z)."""
    moment = dates.read_datetime(doc["computed_at"])
    if moment is None:
        raise ValueError(f"computed_at is not a date and time: {doc['computed_at']!r}")
    return moment


# --- the reports of this portal's wards -------------------------------------------------------

def report_for_org(org: dict[str, Any], figures: Optional[dict[str, Any]] = None,
                   computed_at: Optional[str] = None) -> Optional[dict[str, Any]]:
    """The standard report of the ward an organisation belongs to (None if it is none):
    every organisation of that ward adds up (a one-ward portal's departments)."""
    entry = organizations.ward_entry(org["id"])
    if entry is None:
        return None
    if figures is None:
        all_figures, computed_at = report_figures.cached_org_figures(entry["org_ids"])
        figures = report_figures.add_figures([all_figures[i] for i in entry["org_ids"]])
    name = entry["org"]["name"]
    return build_report(entry["ward"], figures, site_url(), computed_at=computed_at,
                        org_name=name, report_url=report_url_for(name))


def local_reports(computed_at: Optional[str] = None, fresh: bool = False) -> list[dict[str, Any]]:
    """Reports of every local ward (``organizations.local_wards``) from one aggregate query
    for all of them (the figures cache's, unless ``fresh``: snapshots are always computed anew)."""
    wards = organizations.local_wards()
    org_ids = [i for w in wards for i in w["org_ids"]]
    if fresh:
        figures, when = report_figures.org_figures(org_ids), report_figures.now_utc()
    else:
        figures, when = report_figures.cached_org_figures(org_ids)
    when = computed_at or when
    base = site_url()
    return [build_report(w["ward"], report_figures.add_figures([figures[i] for i in w["org_ids"]]), base,
                         computed_at=when, org_name=w["org"]["name"],
                         report_url=report_url_for(w["org"]["name"]))
            for w in wards]


# --- validation ------------------------------------------------------------------------------

@functools.lru_cache(maxsize=None)
def _validator():
    import jsonschema
    cls = jsonschema.validators.validator_for(report_schema())
    cls.check_schema(report_schema())
    return cls(report_schema(), format_checker=cls.FORMAT_CHECKER)


def validation_errors(doc: Any) -> list[str]:
    """Why a report is invalid (empty list if valid): the JSON Schema first, then the
    rules a schema cannot say (numerator ≤ denominator, denominators = counts, sums,
    the code's check digit, a ``computed_at`` that is a real time)."""
    errors = []
    for err in sorted(_validator().iter_errors(doc), key=lambda e: list(e.absolute_path)):
        where = "/".join(str(p) for p in err.absolute_path) or "(document)"
        errors.append(f"{where}: {err.message}")
    if errors:
        return errors[:20]
    datasets = doc["counts"]["datasets"]
    if not lg_code_ok(doc["ward"]["code"]):
        errors.append(f"ward/code: {doc['ward']['code']} has a wrong check digit")
    if dates.read_datetime(doc["computed_at"]) is None:
        errors.append(f"computed_at: {doc['computed_at']} is not a date and time")
    for key, share in doc["shares"].items():
        expected = doc["counts"].get(UNIT_COUNTS[share["unit"]])
        if expected is None:
            errors.append(f"shares/{key}: counts/{UNIT_COUNTS[share['unit']]} is missing")
        elif share["denominator"] != expected:
            errors.append(f"shares/{key}: denominator {share['denominator']} is not the "
                          f"{share['unit']} count {expected}")
        if share["numerator"] > share["denominator"]:
            errors.append(f"shares/{key}: numerator {share['numerator']} exceeds denominator")
    for group, key in (("star_levels", "level"), ("ratings", "band")):
        total = 0
        for item in doc[group]:
            total += item["numerator"]
            if item["denominator"] != datasets:
                errors.append(f"{group}/{item[key]}: denominator is not the dataset count {datasets}")
        limit_ok = total == datasets if group == "ratings" else total <= datasets
        if not limit_ok:
            errors.append(f"{group}: numerators add up to {total}, not the dataset count {datasets}")
    if len({r["band"] for r in doc["ratings"]}) != len(doc["ratings"]):
        errors.append("ratings: a band appears twice")
    return errors


def _japan_points_max() -> int:
    return spec.plan(extensions.plugins()).max_points["japan"] or 1
