"""The data stewards' scorecard: one row per dataset of an organisation, totals, CSV/JSON.

Built from the stored scores (``store.org_rows``), one query, so it is fast for any
organisation size. The page, the ``wards_scorecard`` action and ``ckan wards scorecard``
all call ``build``.
"""
from __future__ import annotations

import functools
import json
from typing import Any, Optional

from ckanext.wards.lib.org_lookup import resolve_org_id
from ckanext.wards.scoring import extensions, spec, states, store

SORT_KEYS = ("name", "title", "mqa_points", "japan_points", "rating", "stars", "failing")
RATING_ORDER = {b["id"]: i for i, b in enumerate(spec.spec()["bands"])}


def build(org: str, include_private: bool = False, lang: str = "en",
          rating: Optional[str] = None, query: Optional[str] = None,
          sort: str = "mqa_points", descending: bool = False) -> dict[str, Any]:
    """Scorecard of an organisation (id or name); filters apply to rows, not to totals."""
    rows = cached_rows(org, include_private, lang)
    totals = totals_for(rows)
    shown = rows
    if rating:
        shown = [r for r in shown if r["rating"] == rating]
    if query:
        q = query.strip().lower()
        shown = [r for r in shown if q in (r["name"] or "").lower() or q in (r["title"] or "").lower()]
    shown = sort_rows(shown, sort, descending)
    grouped = group_fixes(rows)
    # the text and the command of every reason of the vocabulary and of every one counted:
    # a stored row may give a code metrics.yaml does not list (another plugin's check, a
    # renamed code), which reason_texts shows as the code itself
    codes = [*states.reasons(), *(c for c in totals["not_assessed_reasons"] if c not in states.reasons())]
    return {"organization": org, "include_private": include_private, "totals": totals,
            "rows": shown, "fixes": grouped, "methodology": spec.spec()["methodology"],
            "reasons": {code: states.reason_texts(code, lang) for code in codes}}


CACHE_SECONDS = 24 * 3600
ROW_SHAPE = 3  # part of the cache key: raised whenever row_for's keys change (2: states, 3: fixes)


def cached_rows(org: str, include_private: bool, lang: str) -> list[dict[str, Any]]:
    """Rows of the scorecard, cached in Redis under the organisation's data version.

    The version (one aggregate query: dataset count, newest score, newest dataset change)
    changes with every re-score, edit, deletion or privacy change, so a cached card is
    never stale; as ckanext-report does, the expensive part is computed once.
    """
    org_id = resolve_org_id(org)
    if org_id is None:
        return []
    key = (f"ckanext-wards:scorecard:{org_id}:{int(include_private)}:{lang}:"
           f"{store.org_version(org_id)}:{spec.spec()['methodology']}:{ROW_SHAPE}")
    conn = _redis()
    if conn is not None:
        try:
            cached = conn.get(key)
            if cached:
                return json.loads(cached)
        except Exception:  # Redis unavailable: compute
            conn = None
    rows = [row_for(r, lang) for r in store.org_rows(org_id, include_private=include_private)]
    if conn is not None:
        try:
            conn.set(key, json.dumps(rows, ensure_ascii=False), ex=CACHE_SECONDS)
        except Exception:
            pass
    return rows


def _redis():
    try:
        from ckan.lib.redis import connect_to_redis
        return connect_to_redis()
    except Exception:
        return None


def _texts(lang: str) -> tuple[dict[str, str], dict[str, str], dict[str, str]]:
    """(metric label, metric fix, band label) by id, in one language."""
    return _texts_of(lang, extensions.plugins())


@functools.lru_cache(maxsize=16)
def _texts_of(lang: str, plugins: tuple) -> tuple[dict[str, str], dict[str, str], dict[str, str]]:
    by_id = spec.plan(plugins).by_id
    return ({k: spec.text(m, "label", lang) for k, m in by_id.items()},
            {k: spec.text(m, "fix", lang) for k, m in by_id.items()},
            {b["id"]: spec.text(b, "label", lang) for b in spec.spec()["bands"]})


def failed_fixes(stored: dict[str, Any], labels: dict[str, str]) -> list[tuple[str, int]]:
    """(metric id, points to gain) of a stored score's failed checks, most points first;
    a check not assessed is never a fix (rows stored before the assessment states listed
    every shortfall)."""
    skipped = stored.get("not_assessed") or {}
    return [(mid, gained) for mid, gained in (stored.get("fixes") or [])
            if mid in labels and mid not in skipped]


def dataset_box(stored: dict[str, Any], lang: str, top: int = 3) -> dict[str, Any]:
    """What a dataset page's score box shows of its stored score: the band, the MQA and
    Japan points, the 5-star level and the ``top`` fixes (label, fix text, points)."""
    labels, fix_texts, bands = _texts(lang)
    return {
        "rating": stored["rating"], "rating_label": bands.get(stored["rating"], stored["rating"]),
        "mqa_points": stored["mqa_points"], "mqa_max": spec.max_points("mqa"),
        "japan_points": stored["japan_points"], "japan_max": spec.max_points("japan"),
        "stars": stored["stars"],
        "fixes": [{"id": mid, "label": labels[mid], "fix": fix_texts[mid], "points": gained}
                  for mid, gained in failed_fixes(stored, labels)[:top]],
        "scored_at": stored["scored_at"].isoformat() if stored.get("scored_at") else None,
    }


def row_for(stored: dict[str, Any], lang: str) -> dict[str, Any]:
    labels, fix_texts, bands = _texts(lang)
    skipped = stored.get("not_assessed") or {}
    fixes = failed_fixes(stored, labels)
    failing = [labels[mid] for mid, _ in fixes]
    top = fixes[0] if fixes else None
    return {
        "name": stored["name"], "title": stored["title"], "private": stored["private"],
        "rating": stored["rating"],
        "rating_label": bands.get(stored["rating"], stored["rating"]),
        "mqa_points": stored["mqa_points"], "japan_points": stored["japan_points"],
        "stars": stored["stars"],
        "machine_readable": ("strict" if stored["machine_readable_strict"]
                             else "broad" if stored["machine_readable_broad"] else "no"),
        "has_csv": stored["has_csv"], "has_api": stored["has_api"],
        "open_licence": stored["open_licence"], "conforms_to": stored["conforms_to"],
        "failing": failing,
        # the failed checks with their points: the per-dataset work list and the grouping
        "fixes": [{"id": mid, "label": labels[mid], "points": gained} for mid, gained in fixes],
        "top_fix": fix_texts[top[0]] if top else "",
        "top_fix_points": top[1] if top else 0,
        "scored_at": stored["scored_at"].isoformat() if stored.get("scored_at") else None,
        "mqa_assessed_max": stored.get("mqa_assessed_max"),
        "mqa_assessed_share": stored.get("mqa_assessed_share"),
        "japan_assessed_max": stored.get("japan_assessed_max"),
        "japan_assessed_share": stored.get("japan_assessed_share"),
        # greyed on the page: what was not assessed, why, and what would assess it
        "not_assessed": [
            {"id": mid, "label": labels[mid], "reason": reason,
             **states.reason_texts(reason, lang, stored["name"])}
            for mid, reason in sorted(skipped.items()) if mid in labels],
    }


def group_fixes(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Failed checks across the datasets: one entry per check with its label, the number of
    datasets failing it, the points each and the total to gain, most points to gain first.
    Not-assessed checks are never here (``failed_fixes`` drops them)."""
    groups: dict[str, dict[str, Any]] = {}
    for r in rows:
        for f in r.get("fixes") or ():
            g = groups.setdefault(f["id"], {"id": f["id"], "label": f["label"], "datasets": 0,
                                            "points": f["points"], "points_total": 0})
            g["datasets"] += 1
            g["points_total"] += f["points"]
    return sorted(groups.values(), key=lambda g: (-g["points_total"], g["id"]))


def totals_for(rows: list[dict[str, Any]]) -> dict[str, Any]:
    n = len(rows)
    ratings = {b["id"]: 0 for b in spec.spec()["bands"]}
    stars = {str(i): 0 for i in range(6)}
    reasons = {code: 0 for code in states.reasons()}
    for r in rows:
        ratings[r["rating"]] = ratings.get(r["rating"], 0) + 1
        stars[str(r["stars"])] = stars.get(str(r["stars"]), 0) + 1
        for code in {m["reason"] for m in r.get("not_assessed") or ()}:
            reasons[code] = reasons.get(code, 0) + 1
    shares = [r["mqa_assessed_share"] for r in rows if r.get("mqa_assessed_share") is not None]
    return {
        "datasets": n,
        "mqa_points_mean": round(sum(r["mqa_points"] for r in rows) / n, 1) if n else 0.0,
        "japan_points_mean": round(sum(r["japan_points"] for r in rows) / n, 1) if n else 0.0,
        "mqa_max": spec.max_points("mqa"), "japan_max": spec.max_points("japan"),
        "ratings": ratings, "stars": stars,
        "machine_readable_strict": sum(1 for r in rows if r["machine_readable"] == "strict"),
        "machine_readable_broad": sum(1 for r in rows if r["machine_readable"] != "no"),
        "has_csv": sum(1 for r in rows if r["has_csv"]),
        "has_api": sum(1 for r in rows if r["has_api"]),
        "open_licence": sum(1 for r in rows if r["open_licence"]),
        # the share of assessable MQA points earned, mean over the datasets scored with states
        "mqa_assessed_share_mean": round(sum(shares) / len(shares), 4) if shares else None,
        # datasets with at least one metric not assessed for each reason
        "not_assessed_reasons": reasons,
    }


def sort_rows(rows: list[dict[str, Any]], key: str, descending: bool) -> list[dict[str, Any]]:
    if key not in SORT_KEYS:
        key = "mqa_points"
    if key == "rating":
        keyfn = lambda r: (RATING_ORDER.get(r["rating"], 0), r["mqa_points"])
    elif key == "failing":
        keyfn = lambda r: len(r["failing"])
    else:
        keyfn = lambda r: (r[key] is None, r[key] if not isinstance(r[key], str) else r[key].lower())
    return sorted(rows, key=keyfn, reverse=descending)


# --- downloads ---------------------------------------------------------------------------

CSV_COLUMNS = ("name", "title", "private", "rating", "mqa_points", "japan_points", "stars",
               "machine_readable", "has_csv", "has_api", "open_licence", "conforms_to",
               "failing", "top_fix", "top_fix_points", "scored_at",
               "mqa_assessed_max", "mqa_assessed_share", "japan_assessed_share", "not_assessed")


def _csv_value(row: dict[str, Any], column: str) -> Any:
    if column == "not_assessed":  # "label: reason (command)" per metric
        return [f'{m["label"]}: {m["reason_label"]} ({m["reason_fix"]})' for m in row.get(column) or ()]
    return row.get(column)


def to_csv(card: dict[str, Any]) -> bytes:
    """UTF-8 with BOM, so Excel opens the Japanese text correctly."""
    from ckanext.wards.lib import csvout
    return csvout.write(CSV_COLUMNS, ([_csv_value(row, c) for c in CSV_COLUMNS] for row in card["rows"])).encode("utf-8")


def to_json(card: dict[str, Any]) -> str:
    return json.dumps(card, ensure_ascii=False, indent=1, default=str)
