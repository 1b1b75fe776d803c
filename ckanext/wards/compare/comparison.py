"""The comparison of wards: one row per ward known here, local (its report computed live)
or collected from a peer (its newest snapshot; a local ward of the same code wins), with the
average of the wards shown and the national reference figures; and the rows as CSV."""
from __future__ import annotations

import datetime as dt
import functools
from typing import Any, Optional

import yaml

from ckanext.wards import paths
from ckanext.wards.compare import snapshots
from ckanext.wards.lib import csvout
from ckanext.wards.report import document
from ckanext.wards.report.figures import DATASET_SHARES, RATING_BANDS
from ckanext.wards.report.measurements import figure, percent

# The figures a comparison row carries, in page order: (key in the row, report source).
SHARE_COLUMNS = tuple((key, f"shares.{key}") for key in DATASET_SHARES)


@functools.lru_cache(maxsize=None)
def reference_figures() -> dict[str, Any]:
    """National reference figures (``schemas/reference-figures.yaml``) for the charts."""
    with open(paths.schema_file("reference-figures.yaml"), encoding="utf-8") as f:
        return yaml.safe_load(f)


def stale_hours() -> int:
    import ckan.plugins.toolkit as tk
    return tk.asint(tk.config.get("ckanext.wards.compare.stale_hours") or 72)


def comparison_row(doc: dict[str, Any], kind: str, now: Optional[dt.datetime] = None) -> dict[str, Any]:
    """One ward's row on the comparison page (percentages rounded to 0.1)."""
    now = now or dt.datetime.utcnow()
    age = now - document.computed_time(doc)
    ward = doc["ward"]
    row = {
        "code": ward["code"], "name_ja": ward["name_ja"], "name_en": ward["name_en"],
        "organization": ward.get("organization"), "kind": kind,
        "report_url": doc.get("report_url"), "portal_url": doc.get("portal_url"),
        "datasets": doc["counts"]["datasets"], "resources": doc["counts"]["resources"],
        "computed_at": doc["computed_at"], "age_hours": round(max(age.total_seconds(), 0) / 3600, 1),
        "stale": age.total_seconds() > 3600 * stale_hours(),
        "stars": [s["numerator"] for s in doc["star_levels"]],
        "ratings": {r["band"]: r["numerator"] for r in doc["ratings"]},
        "mqa_points_mean": (doc.get("quality") or {}).get("mqa_points_mean"),
        # per cent of the assessable MQA points earned (None in reports without it)
        "mqa_assessed_share": percent((doc.get("quality") or {}).get("mqa_assessed_points")),
    }
    for key, source in SHARE_COLUMNS:
        share = figure(doc, source) or {}
        row[key] = percent(share)
        row[key + "_numerator"] = share.get("numerator")
        row[key + "_denominator"] = share.get("denominator")
    return row


def comparison() -> dict[str, Any]:
    """Every ward known here, local (live) and collected (latest snapshot), one row each,
    with the average over the wards shown and the national reference figures."""
    now = dt.datetime.utcnow()
    rows = [comparison_row(doc, "local", now) for doc in document.local_reports()]
    local_codes = {r["code"] for r in rows}
    for snap in snapshots.latest_snapshots(local=False):
        doc = snap["report"]
        if doc["ward"]["code"] not in local_codes:  # this portal's own figures win
            rows.append(comparison_row(doc, "collected", now))
            local_codes.add(doc["ward"]["code"])
    rows.sort(key=lambda r: r["code"])
    ref = reference_figures()
    return {"rows": rows, "averages": averages(rows), "national": national_row(ref),
            "national_context": national_context(ref), "targets": ref.get("targets") or {},
            "national_source": ref.get("source") or {}}


def national_row(ref: dict[str, Any]) -> dict[str, Any]:
    """key → value of the reference figures comparable with our columns (the row)."""
    return {f["key"]: f["value"] for f in ref.get("figures", []) if f.get("comparable")}


def national_context(ref: dict[str, Any]) -> list[dict[str, Any]]:
    """The reference figures that measure something else: shown apart, with their label."""
    return [f for f in ref.get("figures", []) if not f.get("comparable")]


@functools.lru_cache(maxsize=None)
def tile_positions() -> dict[str, dict[str, int]]:
    """ward code → {col, row} of the tile map (``schemas/ward-tiles.yaml``)."""
    with open(paths.schema_file("ward-tiles.yaml"), encoding="utf-8") as f:
        return {str(k): v for k, v in yaml.safe_load(f)["tiles"].items()}


def changes(trend: dict[str, list[dict[str, Any]]], key: str) -> dict[str, Optional[float]]:
    """ward code → newest minus previous snapshot value of ``key`` (None without two)."""
    out: dict[str, Optional[float]] = {}
    for code, points in trend.items():
        values = [p.get(key) for p in points]
        if len(values) < 2 or values[-1] is None or values[-2] is None:
            out[code] = None
        else:
            out[code] = round(values[-1] - values[-2], 1)
    return out


TILE_CLASSES = 5


def tiles(rows: list[dict[str, Any]], key: str) -> dict[str, Any]:
    """The tile map of ``key``: one tile per ward with a position, its value and a colour
    class 0..4 on an equal-interval scale between the lowest and highest value shown."""
    positions = tile_positions()
    values = [r[key] for r in rows if r.get(key) is not None]
    low, high = (min(values), max(values)) if values else (0, 0)
    step = (high - low) / TILE_CLASSES or 1
    out = []
    for r in rows:
        pos = positions.get(r["code"])
        if not pos:
            continue
        v = r.get(key)
        cls = None if v is None else min(int((v - low) / step), TILE_CLASSES - 1)
        out.append({**pos, "code": r["code"], "row_data": r, "value": v, "cls": cls})
    legend = [{"cls": i, "low": round(low + i * step, 1), "high": round(low + (i + 1) * step, 1)}
              for i in range(TILE_CLASSES)] if values else []
    return {"tiles": out, "legend": legend}


def averages(rows: list[dict[str, Any]]) -> dict[str, Optional[float]]:
    """Unweighted mean over the wards shown (each ward counts once, as in the study)."""
    out: dict[str, Optional[float]] = {}
    for key in ["datasets", "resources"] + [k for k, _ in SHARE_COLUMNS]:
        values = [r[key] for r in rows if r.get(key) is not None]
        out[key] = round(sum(values) / len(values), 1) if values else None
    return out


COMPARISON_CSV_COLUMNS = (
    ["code", "name_ja", "name_en", "organization", "kind", "datasets", "resources"]
    + [c for key, _ in SHARE_COLUMNS for c in (key, key + "_numerator", key + "_denominator")]
    + ["stars_0", "stars_1", "stars_2", "stars_3", "stars_4", "stars_5",
       "rating_bad", "rating_sufficient", "rating_good", "rating_excellent", "rating_unscored",
       "mqa_points_mean", "computed_at", "age_hours", "report_url"]
)


def comparison_csv(rows: list[dict[str, Any]]) -> str:
    def flat(r: dict[str, Any]) -> list[Any]:
        values = dict(r)
        values.update({f"stars_{i}": n for i, n in enumerate(r["stars"])})
        values.update({f"rating_{b}": r["ratings"].get(b, 0) for b in RATING_BANDS})
        return [values.get(c) for c in COMPARISON_CSV_COLUMNS]
    return csvout.write(COMPARISON_CSV_COLUMNS, (flat(r) for r in rows))
