"""The figures of a ward report: per organisation, public dataset and resource counts and
the numerator of every share, from one SQL aggregate over CKAN's ``package``/``resource``
tables joined with the scoring plugin's stored scores (``model.DatasetScore`` /
``ResourceScore``) and file checks (``FileCheck``), so a report for 23 wards x 10,000
datasets is three queries, not 230,000 ``package_show`` calls. Datasets not scored yet count in the denominators and in the
``unscored`` rating only. ``cached_org_figures`` keeps them for a short while."""
from __future__ import annotations

import datetime as dt
import time
from typing import Any, Iterable

DATASET_SHARES = ("csv", "api", "machine_readable_strict", "machine_readable_broad",
                  "open_licence", "standard_conformance")
RESOURCE_SHARES = ("resources_machine_readable_strict", "resources_machine_readable_broad")
# Shares of the file checks, each over its own count (the denominator's unit).
FILE_LEVEL_SHARES = ("resources_level1_pass", "resources_level2_pass", "resources_level3_pass")
FILE_COUNTS = ("tabular_resources_checked", "standards_declared")
RATING_BANDS = ("bad", "sufficient", "good", "excellent", "unscored")
# points earned and assessable (not-assessed metrics left out), summed per organisation
ASSESSED_SUMS = ("mqa_points_earned", "mqa_points_assessable", "japan_points_earned",
                 "japan_points_assessable")


def now_utc() -> str:
    """Now as RFC 3339 in UTC, to the second (a report's ``computed_at``)."""
    return dt.datetime.now(dt.timezone.utc).replace(microsecond=0).isoformat().replace("+00:00", "Z")


def org_figures(org_ids: Iterable[str]) -> dict[str, dict[str, Any]]:
    """Per organisation id: public dataset/resource counts and share numerators, from one
    aggregate over ``package``/``resource`` and the stored scores (two queries in all)."""
    import sqlalchemy as sa
    import ckan.model as cm
    from ckanext.wards import model
    from ckanext.wards.report import measurements
    from ckanext.wards.scoring import filestore, store

    org_ids = list(org_ids)
    if not org_ids:
        return {}
    p = cm.package_table
    r = cm.resource_table
    s = model.DatasetScore.__table__
    rs = model.ResourceScore.__table__

    def n(cond):
        return sa.func.count().filter(cond)

    public = sa.and_(p.c.owner_org.in_(org_ids), p.c.state == "active",
                     p.c.type == "dataset", p.c.private.is_(False))
    dataset_q = (
        sa.select(
            p.c.owner_org, sa.func.count().label("datasets"),
            n(s.c.has_csv.is_(True)).label("csv"),
            n(s.c.api_count > 0).label("api"),
            n(s.c.machine_readable_strict.is_(True)).label("machine_readable_strict"),
            n(s.c.machine_readable_broad.is_(True)).label("machine_readable_broad"),
            n(s.c.open_licence.is_(True)).label("open_licence"),
            n(store.standard_conformant(s)).label("standard_conformance"),
            n(store.standard_declared(s)).label("standards_declared"),
            n(sa.and_(store.standard_declared(s), s.c.conformance_ok.is_(True))).label("standards_verified_by_file"),
            *[n(s.c.stars == k).label(f"star{k}") for k in range(6)],
            *[n(s.c.rating == b).label(f"rating_{b}") for b in RATING_BANDS[:-1]],
            n(s.c.package_id.is_(None)).label("rating_unscored"),
            sa.func.avg(s.c.mqa_points).label("mqa_points_mean"),
            sa.func.avg(s.c.japan_points).label("japan_points_mean"),
            # the share of assessable points earned: sums over the datasets scored with
            # assessment states (mqa_assessed_max stored), so a ward's share is one ratio
            *[sa.func.coalesce(sa.func.sum(col).filter(s.c[f"{part}_assessed_max"].isnot(None)), 0)
              .label(label)
              for part in ("mqa", "japan")
              for col, label in ((s.c[f"{part}_points"], f"{part}_points_earned"),
                                 (s.c[f"{part}_assessed_max"], f"{part}_points_assessable"))],
        )
        .select_from(p.outerjoin(s, s.c.package_id == p.c.id))
        .where(public).group_by(p.c.owner_org)
    )
    resource_q = (
        sa.select(
            p.c.owner_org, sa.func.count().label("resources"),
            n(rs.c.machine_readable_strict.is_(True)).label("resources_machine_readable_strict"),
            n(rs.c.machine_readable_broad.is_(True)).label("resources_machine_readable_broad"),
        )
        .select_from(r.join(p, p.c.id == r.c.package_id).outerjoin(rs, rs.c.resource_id == r.c.id))
        .where(public, r.c.state == "active").group_by(p.c.owner_org)
    )
    empty = {"datasets": 0, "resources": 0, "mqa_points_mean": None, "japan_points_mean": None,
             **{k: 0 for k in ASSESSED_SUMS},
             **{k: 0 for k in DATASET_SHARES + RESOURCE_SHARES + FILE_LEVEL_SHARES + FILE_COUNTS},
             "standards_verified_by_file": 0,
             **{f"star{k}": 0 for k in range(6)}, **{f"rating_{b}": 0 for b in RATING_BANDS}}
    out = {org_id: dict(empty) for org_id in org_ids}
    for row in cm.Session.execute(dataset_q).mappings():
        out[row["owner_org"]].update({k: v for k, v in row.items() if k != "owner_org"})
    for row in cm.Session.execute(resource_q).mappings():
        out[row["owner_org"]].update({k: v for k, v in row.items() if k != "owner_org"})
    pass_score = measurements.metric_spec()["file_levels"]["pass_score"]
    for org_id, counts in filestore.level_pass_counts(org_ids, pass_score).items():
        out[org_id]["tabular_resources_checked"] = counts["tabular"]
        out[org_id].update({f"resources_level{k}_pass": counts[f"level{k}"] for k in (1, 2, 3)})
    return out


def add_figures(figures: list[dict[str, Any]]) -> dict[str, Any]:
    """The figures of several organisations as one (a ward's departments): counts add,
    means are weighted by the scored datasets."""
    total: dict[str, Any] = {}
    for key in figures[0]:
        if key.endswith("_mean"):
            weighted = [(f[key], f["datasets"] - f["rating_unscored"]) for f in figures if f[key] is not None]
            weight = sum(w for _, w in weighted)
            total[key] = sum(float(v) * w for v, w in weighted) / weight if weight else None
        else:
            total[key] = sum(f[key] for f in figures)
    return total


# --- a short-lived cache of the figures ---------------------------------------------------------
# The aggregate reads every dataset and resource of the wards (about a second for 23 x
# 10,000 datasets); the comparison page and the report API would run it on every request.
# The cache is kept per organisation, so a change to one dataset recomputes only its own
# organisation's figures, not every ward's. A cached entry is used while (1) no dataset of
# that organisation changed since (its latest metadata_modified, one index look-up each,
# all in one query) and (2) it is younger than ckanext.wards.compare.cache_seconds, which
# bounds how late re-scores show up. The freshness check reads the database on every
# request, so a worker can never serve figures older than an edit another worker made:
# the per-process dict is only a store, never the source of truth.

_CACHE: dict[str, tuple[Any, float, str, dict[str, Any]]] = {}
_CACHE_MAX = 1024
# Organisation figures computed so far by this process (tests and benchmarks read it to
# see which organisations an edit made us recompute).
COMPUTED: dict[str, int] = {}


def _change_stamps(org_ids: list[str]) -> list:
    """Each organisation's latest dataset metadata_modified, in one query."""
    import sqlalchemy as sa
    import ckan.model as cm
    p = cm.package_table
    latest = [sa.select(sa.func.max(p.c.metadata_modified)).where(p.c.owner_org == oid).scalar_subquery()
              for oid in org_ids]
    return list(cm.Session.execute(sa.select(*latest)).one()) if latest else []


def cached_org_figures(org_ids: Iterable[str]) -> tuple[dict[str, dict[str, Any]], str]:
    """(figures by organisation id, when they were computed: the oldest entry used), only
    the organisations whose cached figures are stale computed anew."""
    from ckan.plugins import toolkit as tk

    key = sorted(set(org_ids))
    ttl = float(tk.config.get("ckanext.wards.compare.cache_seconds") or 0)
    if ttl <= 0:
        for oid in key:
            COMPUTED[oid] = COMPUTED.get(oid, 0) + 1
        return org_figures(key), now_utc()
    now = time.monotonic()
    stamps = dict(zip(key, _change_stamps(key)))
    out: dict[str, dict[str, Any]] = {}
    times: list[str] = []
    stale = []
    for oid in key:
        hit = _CACHE.get(oid)
        if hit and hit[0] == stamps[oid] and now - hit[1] < ttl:
            out[oid] = hit[3]
            times.append(hit[2])
        else:
            stale.append(oid)
    if stale:
        fresh = org_figures(stale)
        computed_at = now_utc()
        times.append(computed_at)
        for oid in stale:
            COMPUTED[oid] = COMPUTED.get(oid, 0) + 1
            if len(_CACHE) >= _CACHE_MAX:
                _CACHE.pop(next(iter(_CACHE)))
            _CACHE[oid] = (stamps[oid], now, computed_at, fresh[oid])
        out.update(fresh)
    return out, min(times) if times else now_utc()
