"""The metrics as data: ``schemas/metrics.yaml`` (bands, dimensions, metrics with their
points, check names, labels and fix hints), plus the metrics other plugins add through
``IWardsScoring.wards_metrics``."""
from __future__ import annotations

import functools
from typing import Any, NamedTuple, Optional

import yaml

from ckanext.wards import paths
from ckanext.wards.scoring import extensions


@functools.lru_cache(maxsize=None)
def spec() -> dict[str, Any]:
    """The parsed ``schemas/metrics.yaml`` (our own metrics only)."""
    with open(paths.schema_file("metrics.yaml"), encoding="utf-8") as f:
        return yaml.safe_load(f)


def metrics() -> list[dict[str, Any]]:
    """Every metric: metrics.yaml's, then those of IWardsScoring plugins."""
    return list(plan(extensions.plugins()).metrics)


def metric_by_id() -> dict[str, dict[str, Any]]:
    return plan(extensions.plugins()).by_id


class Plan(NamedTuple):
    """The metrics of one set of plugins, and what the engine derives from them once."""
    metrics: tuple[dict[str, Any], ...]
    by_id: dict[str, dict[str, Any]]
    distribution: tuple[dict[str, Any], ...]        # scope: distribution
    mqa_distribution: tuple[dict[str, Any], ...]    # ... of the MQA part
    mqa_ids: frozenset[str]
    max_points: dict[str, int]                      # part (mqa, japan) → points


@functools.lru_cache(maxsize=8)
def plan(plugins: tuple[Any, ...]) -> Plan:
    """metrics.yaml's metrics and those ``plugins`` add. A metric that could break scoring
    (its id taken, its dimension none of metrics.yaml's, no ``scope`` of dataset or
    distribution, no whole number of ``points``, no ``check`` name) is logged and left out."""
    own = spec()["metrics"]
    known, dimensions = {m["id"] for m in own}, spec()["dimensions"]
    every = list(own)
    for metric in extensions.added_metrics(plugins):
        problem = _unusable(metric, known, dimensions)
        if problem:
            extensions.log.error("wards: metric %r ignored: %s", metric.get("id"), problem)
            continue
        known.add(metric["id"])
        every.append(metric)
    dist = tuple(m for m in every if m["scope"] == "distribution")
    return Plan(metrics=tuple(every), by_id={m["id"]: m for m in every}, distribution=dist,
                mqa_distribution=tuple(m for m in dist if is_mqa(m)),
                mqa_ids=frozenset(m["id"] for m in every if is_mqa(m)),
                max_points={part: sum(m["points"] for m in every if is_mqa(m) == (part == "mqa"))
                            for part in ("mqa", "japan")})


def _unusable(metric: Any, known: set[str], dimensions: dict[str, Any]) -> Optional[str]:
    """Why a plugin's metric entry cannot be scored, or None."""
    if not isinstance(metric, dict) or not isinstance(metric.get("id"), str):
        return "it is no entry with an id"
    if metric["id"] in known:
        return "its id is taken"
    if metric.get("dimension") not in dimensions:
        return "its dimension is none of metrics.yaml's"
    if metric.get("scope") not in ("dataset", "distribution"):
        return "its scope is neither dataset nor distribution"
    points = metric.get("points")
    if isinstance(points, bool) or not isinstance(points, int) or points < 0:
        return "its points are not a whole number of 0 or more"
    if not isinstance(metric.get("check"), str):
        return "it names no check"
    return None


def is_mqa(metric: dict[str, Any]) -> bool:
    return spec()["dimensions"][metric["dimension"]]["part"] == "mqa"


def max_points(part: str = "mqa") -> int:
    return plan(extensions.plugins()).max_points["mqa" if part == "mqa" else "japan"]


def rating(points: float) -> str:
    """MQA band id for MQA points: bad ≤ 120 < sufficient ≤ 220 < good ≤ 350 < excellent."""
    for band in spec()["bands"]:
        if points <= band["max"]:
            return band["id"]
    return spec()["bands"][-1]["id"]


def text(entry: dict[str, Any], key: str, lang: str = "en") -> str:
    """The ja/en text of a metric, band or dimension (``label`` or ``fix``)."""
    value = entry.get(key) or {}
    return value.get(lang) or value.get("en") or ""
