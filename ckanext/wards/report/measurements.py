"""The metrics of a ward report (``schemas/ward-report-metrics.yaml``) and how to read them
from a report document: every count, share and mean as a measurement.

Metric IRIs are the portal's (``vocab.metrics``: ``{ckan.site_url}/wards/metrics#<id>``),
the same namespace as the DCAT profile's dataset-level metrics."""
from __future__ import annotations

import functools
from typing import Any, Optional

import yaml

from ckanext.wards import paths

DQV_NS = "http://www.w3.org/ns/dqv#"


@functools.lru_cache(maxsize=None)
def metric_spec() -> dict[str, Any]:
    with open(paths.schema_file("ward-report-metrics.yaml"), encoding="utf-8") as f:
        return yaml.safe_load(f)


def label(entry: dict[str, Any], lang: str) -> str:
    texts = entry.get("label") or {}
    return texts.get(lang) or texts.get("en") or entry.get("id", "")


def ratio(share: Optional[dict[str, Any]]) -> Optional[float]:
    if not share or not share.get("denominator"):
        return None
    return share["numerator"] / share["denominator"]


def percent(share: Optional[dict[str, Any]]) -> Optional[float]:
    """A share in per cent, rounded to 0.1 (None without a denominator)."""
    value = ratio(share)
    return None if value is None else round(100.0 * value, 1)


def figure(doc: dict[str, Any], source: str) -> Optional[dict[str, Any]]:
    """The count/share/mean named by a metric's ``source`` (counts.x, shares.x,
    star_levels[n], ratings[band], quality.x); None if the report lacks it."""
    if source.startswith("star_levels["):
        level = int(source[len("star_levels["):-1])
        return next((s for s in doc.get("star_levels", ()) if s["level"] == level), None)
    if source.startswith("ratings["):
        band = source[len("ratings["):-1]
        return next((s for s in doc.get("ratings", ()) if s["band"] == band), None)
    section, key = source.split(".", 1)
    value = (doc.get(section) or {}).get(key)
    if value is None:
        return None
    return value if isinstance(value, dict) else {"value": value}


def measurements(doc: dict[str, Any]) -> list[dict[str, Any]]:
    """Every metric of the report as {metric, kind, numerator, denominator, value}."""
    out = []
    for m in metric_spec()["metrics"]:
        fig = figure(doc, m["source"])
        if fig is None:
            continue
        if m["kind"] == "share":
            value = ratio(fig)
            out.append({"metric": m["id"], "kind": "share", "numerator": fig["numerator"],
                        "denominator": fig["denominator"],
                        "value": None if value is None else round(value, 6)})
        else:
            out.append({"metric": m["id"], "kind": m["kind"], "numerator": None,
                        "denominator": None, "value": fig["value"]})
    return out
