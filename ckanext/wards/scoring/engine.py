"""Scores of one dataset or resource: data.europa.eu's MQA (405 points) and our Japan
dimension, from the metrics (``spec``) and their checks (``checks/<dimension>.py``).

Every metric result has a ``state`` (``states``): passed, failed, or not assessed with a
``reason``. A check returns the share of its metric that passes (0.0 … 1.0) or
``NotAssessed(reason)``; not assessed counts 0 points in ``mqa_points``, as the MQA gives no
points for what it cannot verify (so totals stay comparable with data.europa.eu), and
``mqa_assessed_max``/``mqa_assessed_share`` (the same for Japan) say how much of what could
be assessed was earned. Only failed metrics become fix hints. The slow assessments (file
checks, SHACL) are not run here: they come in as ``stored`` and ``dcat_compliant``, stored
by the re-score job (``jobs``) from the IWardsScoring plugins.
"""
from __future__ import annotations

import datetime as dt
import functools
from typing import Any, Optional

from ckanext.wards.scoring import checks, extensions, facts, spec, states
from ckanext.wards.scoring.subject import Subject, access_url, download_url


@functools.lru_cache(maxsize=8)
def check_table(plugins: tuple[Any, ...]) -> dict[str, checks.Check]:
    """Metric id → its check function, for one set of IWardsScoring plugins."""
    added = extensions.added_checks(plugins)
    own_ids = {m["id"] for m in spec.spec()["metrics"]}
    table: dict[str, checks.Check] = {}
    for m in spec.plan(plugins).metrics:
        if m["id"] in own_ids:
            table[m["id"]] = checks.own_check(m)
        else:
            table[m["id"]] = _guarded(m, added.get(m["check"]))
    return table


def _guarded(metric: dict[str, Any], fn: Optional[checks.Check]) -> checks.Check:
    """A plugin's check that cannot stop scoring: if it is missing or raises, it is logged
    and the metric is not assessed."""
    if fn is None:
        extensions.log.error("wards: metric %s names check %r, which no plugin provides; "
                             "it is not assessed", metric["id"], metric["check"])

    def run(s: Subject, i: Optional[int]) -> Any:
        if fn is None:
            return states.NotAssessed(states.CHECK_FAILED)
        try:
            return fn(s, i)
        except Exception:
            extensions.log.exception("wards: check of %s failed; counted as not assessed", metric["id"])
            return states.NotAssessed(states.CHECK_FAILED)
    return run


def score_dataset(pkg: dict[str, Any], link_status: Optional[dict[str, int]] = None,
                  stored: Optional[dict[str, dict[str, Any]]] = None,
                  dcat_compliant: Optional[bool] = None,
                  now: Optional[dt.datetime] = None,
                  settings: Optional[states.Settings] = None) -> dict[str, Any]:
    """Every metric of one dataset dict (package_show shape, either schema).

    ``link_status``: URL → last HTTP status (link checker); ``stored``: resource id →
    stored assessments (``sniffed_code``, ``conformance_ok``, ``rules_score``);
    ``dcat_compliant``: the stored DCAT-AP (SHACL) result, if known; ``settings``: which
    assessments are on (``states.current_settings()``, read here when not given: a batch
    reads it once).
    """
    plugins = extensions.plugins()
    plan, table = spec.plan(plugins), check_table(plugins)
    s = Subject(pkg, link_status, stored, dcat_compliant, now,
                settings if settings is not None else states.current_settings(plugins))
    n = len(s.resources)
    # Distribution metrics, per resource: (share or None, reason or None)
    per_res: list[dict[str, tuple[Optional[float], Optional[str]]]] = [
        {m["id"]: states.split(table[m["id"]](s, i)) for m in plan.distribution} for i in range(n)]

    def res_mqa_points(i: int) -> float:
        return sum((per_res[i][m["id"]][0] or 0.0) * m["points"] for m in plan.mqa_distribution)

    best = max(range(n), key=res_mqa_points) if n else None

    results = []
    for m in plan.metrics:
        if m["scope"] == "dataset":
            share, reason = states.split(table[m["id"]](s, None))
        elif n == 0:
            share, reason = 0.0, None  # no resource: failed, the steward can add one
        elif m["id"] in plan.mqa_ids:  # MQA: the best distribution counts, state and reason too
            share, reason = per_res[best][m["id"]]
        else:  # Japan: share of the assessed resources passing
            values = [per_res[i][m["id"]][0] for i in range(n) if per_res[i][m["id"]][0] is not None]
            share = (sum(values) / len(values)) if values else None
            reason = None if values else states.most_frequent([per_res[i][m["id"]][1] for i in range(n)])
        points = int(round((share or 0.0) * m["points"]))
        state = states.state_of(share, points, m["points"])
        passing = [per_res[i][m["id"]][0] for i in range(n)] if m["scope"] == "distribution" else None
        results.append({
            "id": m["id"], "dimension": m["dimension"], "points": points, "max": m["points"],
            "assessed": share is not None, "passed": state == states.PASSED,
            "state": state, "reason": reason,
            "resources_passing": (sum(1 for v in passing if v) if passing is not None else None),
            "resources_not_assessed": (sum(1 for v in passing if v is None) if passing is not None else None),
        })
    declared, checked = facts.conformance(s)
    org = pkg.get("organization")
    return {
        "package_id": pkg.get("id"),
        "name": pkg.get("name"),
        "title": pkg.get("title") or pkg.get("name"),
        "owner_org": pkg.get("owner_org") or (org.get("id") if isinstance(org, dict) else None),
        "private": bool(pkg.get("private")),
        **totals(results, plan),
        "stars": facts.dataset_stars(s),
        "machine_readable_strict": any(c["machine_readable_strict"] for c in s.classes),
        "machine_readable_broad": any(c["machine_readable_broad"] for c in s.classes),
        "has_csv": any(c["is_csv"] for c in s.classes),
        "api_count": sum(1 for c in s.classes if c["is_api"]),
        "open_licence": facts.licence_is_open(facts.licence_id(pkg)),
        "conforms_to": declared,
        "conformance_ok": checked,
        "dcat_compliant": dcat_compliant,
        "resource_count": n,
        "resources": [dict(c, id=r.get("id"), name=r.get("name") or r.get("url"),
                           metrics={k: v[0] for k, v in per_res[i].items()},
                           not_assessed={k: v[1] for k, v in per_res[i].items() if v[0] is None})
                      for i, (r, c) in enumerate(zip(s.resources, s.classes))],
    }


def totals(results: list[dict[str, Any]], plan: spec.Plan) -> dict[str, Any]:
    """MQA points and rating, Japan points, points per dimension, the points that could be
    assessed and their share earned, the metrics not assessed (id → reason), and the fixes
    (failed metrics only, most points gained first) of one dataset's metric results."""
    mqa = japan = mqa_assessed = japan_assessed = 0
    dimensions: dict[str, int] = {}
    not_assessed: dict[str, str] = {}
    for r in results:  # one pass: this runs for every dataset of a bulk re-score
        dimensions[r["dimension"]] = dimensions.get(r["dimension"], 0) + r["points"]
        assessed = r.get("state") != states.NOT_ASSESSED
        if not assessed:
            not_assessed[r["id"]] = r.get("reason") or states.GENERIC_REASON
        if r["id"] in plan.mqa_ids:
            mqa += r["points"]
            mqa_assessed += r["max"] if assessed else 0
        else:
            japan += r["points"]
            japan_assessed += r["max"] if assessed else 0
    fixes = sorted(({"id": r["id"], "points_gained": r["max"] - r["points"],
                     "field": plan.by_id[r["id"]].get("field") or "", "assessed": True}
                    for r in results if r.get("state", states.FAILED) == states.FAILED
                    and r["points"] < r["max"]),
                   key=lambda f: (-f["points_gained"], f["id"]))
    return {
        "mqa_points": mqa,
        "mqa_max": plan.max_points["mqa"],
        "mqa_assessed_max": mqa_assessed,
        "mqa_assessed_share": share_of(mqa, mqa_assessed),
        "rating": spec.rating(mqa),
        "japan_points": japan,
        "japan_max": plan.max_points["japan"],
        "japan_assessed_max": japan_assessed,
        "japan_assessed_share": share_of(japan, japan_assessed),
        "dimensions": dimensions,
        "metrics": results,
        "not_assessed": not_assessed,
        "fixes": fixes,
    }


def share_of(points: int, assessed_max: int) -> Optional[float]:
    """Points earned of the assessable points, 0.0–1.0 (4 decimals); None if nothing was
    assessable."""
    return round(points / assessed_max, 4) if assessed_max else None


def score_resource(resource: dict[str, Any], pkg: Optional[dict[str, Any]] = None,
                   link_status: Optional[dict[str, int]] = None,
                   stored: Optional[dict[str, Any]] = None) -> dict[str, Any]:
    """Classification and distribution checks of one resource (``wards_resource_score``)."""
    plugins = extensions.plugins()
    table = check_table(plugins)
    pkg = dict(pkg or {}, resources=[resource])
    s = Subject(pkg, link_status, {resource.get("id"): stored or {}},
                settings=states.current_settings(plugins))
    results = []
    for m in spec.plan(plugins).distribution:
        share, reason = states.split(table[m["id"]](s, 0))
        points = int(round((share or 0.0) * m["points"]))
        results.append({"id": m["id"], "dimension": m["dimension"], "max": m["points"],
                        "assessed": share is not None, "points": points,
                        "state": states.state_of(share, points, m["points"]), "reason": reason})
    return dict(s.classes[0], id=resource.get("id"), checks=results,
                file_state=(stored or {}).get("file_state"), file_reason=(stored or {}).get("file_reason"),
                access_url_status=(link_status or {}).get(access_url(resource) or ""),
                download_url_status=(link_status or {}).get(download_url(resource) or ""))


def ranked_fixes(score: dict[str, Any], lang: str = "en") -> list[dict[str, Any]]:
    """Fix hints with texts, most points gained first: failed metrics only (``totals``
    never lists a not-assessed one; a stored list from before the states is filtered)."""
    out = []
    by_id = spec.metric_by_id()
    skipped = score.get("not_assessed") or {}
    for f in score.get("fixes") or []:
        if f["id"] in skipped or f["id"] not in by_id:
            continue
        m = by_id[f["id"]]
        out.append(dict(f, label=spec.text(m, "label", lang), fix=spec.text(m, "fix", lang)))
    return out


def not_assessed_details(score: dict[str, Any], lang: str = "en") -> list[dict[str, Any]]:
    """The metrics not assessed, with their label, reason text and the command that would
    assess them, most points first (for the action, the scorecard and the pages)."""
    by_id = spec.metric_by_id()
    out = []
    for mid, reason in (score.get("not_assessed") or {}).items():
        m = by_id.get(mid)
        if m is None:
            continue
        out.append({"id": mid, "label": spec.text(m, "label", lang), "max": m["points"],
                    "reason": reason, **states.reason_texts(reason, lang, score.get("name") or "")})
    return sorted(out, key=lambda d: (-d["max"], d["id"]))
