"""The score tables' reads and writes (``wards_dataset_score``, ``wards_resource_score``,
``wards_link_check``; their definitions are in ``ckanext/wards/model.py``).

Reads are one query per batch (the scorecard, the ward report, the DCAT output and the
live actions read stored scores and stored assessments here); writes are multi-row
upserts (``INSERT ... ON CONFLICT DO UPDATE``).
"""
from __future__ import annotations

import datetime as dt
from typing import Any, Optional
from urllib.parse import urlparse

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import JSONB

import ckan.model as ckan_model

from ckanext.wards.lib.org_lookup import resolve_org_id
from ckanext.wards.model import DatasetScore, LinkCheck, ResourceScore
from ckanext.wards.scoring import filestore

# --- reads ----------------------------------------------------------------------------------

DATASET_SUMMARY_COLUMNS = (
    "package_id", "name", "title", "owner_org", "private", "mqa_points", "rating",
    "japan_points", "stars", "machine_readable_strict", "machine_readable_broad",
    "has_csv", "api_count", "open_licence", "conforms_to", "conformance_ok",
    "dcat_compliant", "resource_count", "metrics", "fixes", "scored_at",
    "mqa_assessed_max", "mqa_assessed_share", "japan_assessed_max", "japan_assessed_share",
    "not_assessed",
)


def standard_conformant(table: sa.Table = DatasetScore.__table__) -> Any:
    """The one rule, in SQL, for every reader of stored scores (the scorecard's rows and the
    ward report's figures): a dataset is standard conformant when it declares a standard
    and the file checker did not find it failing (not checked counts as conformant)."""
    return sa.and_(standard_declared(table), table.c.conformance_ok.isnot(False))


def standard_declared(table: sa.Table = DatasetScore.__table__) -> Any:
    """A stored dataset score declaring at least one standard dataset (SQL)."""
    # jsonb_typeof first: jsonb_array_length fails on a stored non-array.
    return sa.and_(sa.func.jsonb_typeof(table.c.conforms_to) == "array",
                   table.c.conforms_to != sa.literal_column("'[]'::jsonb"))


def org_rows(org: str, include_private: bool = False) -> list[dict[str, Any]]:
    """Stored scores of an organisation's active datasets (public only unless asked), one
    query, joined with ``package`` so deleted datasets and private flags are current even
    if a re-score job has not run yet.

    For the scorecard and the ward report: one dict per dataset with ``package_id``,
    ``name``, ``title``, ``private``, ``has_csv`` (bool), ``api_count`` (int;
    DataStore-active resources, API/service formats), ``has_api`` (bool),
    ``machine_readable_strict``, ``machine_readable_broad`` (bool), ``stars`` (0–5, best
    resource), ``open_licence`` (bool), ``conforms_to`` (list of declared standard ids),
    ``conformance_ok`` (checker result: True/False/None = not checked),
    ``standard_conformant`` (declared and not failed by the checker), ``mqa_points``,
    ``rating`` (bad/sufficient/good/excellent), ``japan_points``, ``resource_count``,
    ``scored_at``. ``org`` may be the organisation's id or name. Datasets never scored
    are missing: run ``ckan wards score --org X`` (or ``bulk.rescore(org_id=...)``) first.
    """
    org_id = resolve_org_id(org)
    if org_id is None:
        return []
    t = DatasetScore.__table__
    p = ckan_model.package_table
    query = (
        sa.select(*[t.c[c] for c in DATASET_SUMMARY_COLUMNS if c not in ("private", "metrics")],
                  p.c.private.label("private"), p.c.name.label("current_name"),
                  p.c.title.label("current_title"), standard_conformant(t).label("standard_conformant"))
        .select_from(t.join(p, p.c.id == t.c.package_id))
        .where(p.c.owner_org == org_id, p.c.state == "active", p.c.type == "dataset")
        .order_by(p.c.name)
    )
    if not include_private:
        query = query.where(p.c.private.is_(False))
    rows = []
    for row in ckan_model.Session.execute(query).mappings():
        d = dict(row)
        d["name"] = d.pop("current_name")
        d["title"] = d.pop("current_title") or d["name"]
        d["has_api"] = d["api_count"] > 0
        d["conforms_to"] = list(d.get("conforms_to") or [])
        rows.append(d)
    return rows


def org_version(org_id: str) -> str:
    """A string that changes whenever the organisation's scorecard would change:
    active dataset count, newest score, newest dataset change (edits, deletions,
    privacy) — one aggregate query, used as a cache key."""
    t = DatasetScore.__table__
    p = ckan_model.package_table
    row = ckan_model.Session.execute(
        sa.select(sa.func.count(p.c.id).filter(p.c.state == "active"),
                  sa.func.max(t.c.scored_at), sa.func.max(p.c.metadata_modified))
        .select_from(p.outerjoin(t, t.c.package_id == p.c.id))
        .where(p.c.owner_org == org_id, p.c.type == "dataset")).one()
    return "|".join(str(v) for v in row)


def dataset_score_row(package_id: str) -> Optional[dict[str, Any]]:
    t = DatasetScore.__table__
    row = ckan_model.Session.execute(sa.select(t).where(t.c.package_id == package_id)).mappings().first()
    return dict(row) if row else None


def dataset_score_rows(package_ids: list[str]) -> dict[str, dict[str, Any]]:
    """package id → stored score row, for a batch (one query)."""
    if not package_ids:
        return {}
    t = DatasetScore.__table__
    query = sa.select(t).where(t.c.package_id.in_(package_ids))
    return {row["package_id"]: dict(row) for row in ckan_model.Session.execute(query).mappings()}


def stored_resource_results(package_ids: list[str]) -> dict[str, dict[str, Any]]:
    """resource id → stored slow-check results, for a batch of datasets: the last file
    check (``wards_file_check``: ``file_state``, ``file_reason``, ``conformance_ok``,
    ``rules_score``, ``sniffed_code``, ``level_scores``) over what the last score kept."""
    if not package_ids:
        return {}
    t = ResourceScore.__table__
    query = sa.select(t.c.resource_id, t.c.sniffed_code, t.c.conformance_ok, t.c.rules_score) \
        .where(t.c.package_id.in_(package_ids))
    out = {r.resource_id: {"sniffed_code": r.sniffed_code, "conformance_ok": r.conformance_ok,
                           "rules_score": r.rules_score}
           for r in ckan_model.Session.execute(query)}
    for rid, checked in filestore.scoring_results(package_ids).items():
        kept = out.setdefault(rid, {})
        # The file check wins over the score's older copy (a crash between the check's
        # commit and the re-score heals on the next score); where it gave None, the score
        # kept other IWardsScoring plugins' verdict (extensions._assess), which stays.
        for key, value in checked.items():
            if key not in ("conformance_ok", "rules_score") or value is not None:
                kept[key] = value
    return out


def stored_dcat_results(package_ids: list[str]) -> dict[str, Optional[bool]]:
    if not package_ids:
        return {}
    t = DatasetScore.__table__
    query = sa.select(t.c.package_id, t.c.dcat_compliant).where(t.c.package_id.in_(package_ids))
    return {r.package_id: r.dcat_compliant for r in ckan_model.Session.execute(query)}


def link_statuses(urls: list[str]) -> dict[str, int]:
    urls = [u for u in set(urls) if u]
    if not urls:
        return {}
    t = LinkCheck.__table__
    out: dict[str, int] = {}
    for start in range(0, len(urls), 5000):
        query = sa.select(t.c.url, t.c.status).where(t.c.url.in_(urls[start:start + 5000]))
        out.update({r.url: r.status for r in ckan_model.Session.execute(query) if r.status is not None})
    return out


# --- writes ---------------------------------------------------------------------------------


def _dataset_row(score: dict[str, Any], now: dt.datetime,
                 modified: Optional[dt.datetime] = None) -> dict[str, Any]:
    return {
        "package_id": score["package_id"], "owner_org": score["owner_org"],
        "name": score["name"], "title": score["title"], "private": score["private"],
        "mqa_points": score["mqa_points"], "rating": score["rating"],
        "japan_points": score["japan_points"], "stars": score["stars"],
        "machine_readable_strict": score["machine_readable_strict"],
        "machine_readable_broad": score["machine_readable_broad"],
        "has_csv": score["has_csv"], "api_count": score["api_count"],
        "open_licence": score["open_licence"], "conforms_to": score["conforms_to"],
        "conformance_ok": score["conformance_ok"], "dcat_compliant": score["dcat_compliant"],
        "resource_count": score["resource_count"],
        "metrics": {m["id"]: m["points"] for m in score["metrics"]},
        "fixes": [[f["id"], f["points_gained"]] for f in score["fixes"]],
        "scored_at": now, "scored_modified": modified,
        "mqa_assessed_max": score["mqa_assessed_max"], "mqa_assessed_share": score["mqa_assessed_share"],
        "japan_assessed_max": score["japan_assessed_max"],
        "japan_assessed_share": score["japan_assessed_share"],
        "not_assessed": score["not_assessed"],
    }


def _resource_rows(score: dict[str, Any], stored: dict[str, dict[str, Any]],
                   now: dt.datetime) -> list[dict[str, Any]]:
    rows = []
    for res in score["resources"]:
        kept = stored.get(res["id"]) or {}
        rows.append({
            "resource_id": res["id"], "package_id": score["package_id"], "code": res["code"],
            "media_type": res["media_type"], "stars": res["stars"],
            "machine_readable_strict": res["machine_readable_strict"],
            "machine_readable_broad": res["machine_readable_broad"],
            "is_api": res["is_api"], "is_csv": res["is_csv"],
            "format_mismatch": res["format_mismatch"],
            "sniffed_code": kept.get("sniffed_code"), "conformance_ok": kept.get("conformance_ok"),
            "rules_score": kept.get("rules_score"), "scored_at": now,
        })
    return rows


def _upsert(table: sa.Table, rows: list[dict[str, Any]], key: str) -> None:
    """One multi-row ``INSERT ... ON CONFLICT DO UPDATE`` per 1,000 rows (psycopg2's
    execute_values: SQLAlchemy's executemany would send a statement per row here)."""
    if not rows:
        return
    from psycopg2.extras import Json, execute_values
    columns = list(rows[0])
    json_columns = {c.name for c in table.columns if isinstance(c.type, JSONB)}
    sql = (f'INSERT INTO {table.name} ({", ".join(columns)}) VALUES %s '
           f'ON CONFLICT ({key}) DO UPDATE SET '
           + ", ".join(f"{c} = EXCLUDED.{c}" for c in columns if c != key))
    values = [tuple(Json(row[c]) if c in json_columns else row[c] for c in columns) for row in rows]
    cursor = ckan_model.Session.connection().connection.cursor()
    try:
        execute_values(cursor, sql, values, page_size=1000)
    finally:
        cursor.close()


def write_scores(package_ids: list[str], scores: list[dict[str, Any]],
                 stored: dict[str, dict[str, Any]], now: dt.datetime,
                 modified: Optional[dict[str, Any]] = None) -> None:
    """Upsert the scores of a batch; drop the rows of its resources deleted since the last
    score and of its datasets gone or deleted (those in ``package_ids`` but not scored)."""
    modified = modified or {}
    _upsert(DatasetScore.__table__, [_dataset_row(s, now, modified.get(s["package_id"])) for s in scores],
            "package_id")
    res_rows = [row for s in scores for row in _resource_rows(s, stored, now)]
    rt = ResourceScore.__table__
    keep = [row["resource_id"] for row in res_rows]
    ckan_model.Session.execute(
        sa.delete(rt).where(rt.c.package_id.in_(package_ids), rt.c.resource_id.not_in(keep)))
    for start in range(0, len(res_rows), 2000):
        _upsert(rt, res_rows[start:start + 2000], "resource_id")
    gone = set(package_ids) - {s["package_id"] for s in scores}
    if gone:
        delete_scores(list(gone), commit=False)


def delete_scores(package_ids: list[str], commit: bool = True) -> None:
    dt_, rt = DatasetScore.__table__, ResourceScore.__table__
    ckan_model.Session.execute(sa.delete(dt_).where(dt_.c.package_id.in_(package_ids)))
    ckan_model.Session.execute(sa.delete(rt).where(rt.c.package_id.in_(package_ids)))
    if commit:
        ckan_model.Session.commit()


def outdated_package_ids(org_id: Optional[str] = None) -> list[str]:
    """Active datasets with no stored score, or one of another state than their current one
    (``scored_modified``: an edit committed while its job scored the state before) or
    older than their last change.

    These are the re-score jobs that never ran (Redis was down when the dataset was
    edited, or a worker died mid-job); ``ckan wards score --stale`` catches them up.
    """
    t, p = DatasetScore.__table__, ckan_model.package_table
    query = (
        sa.select(p.c.id)
        .select_from(p.outerjoin(t, t.c.package_id == p.c.id))
        .where(p.c.state == "active", p.c.type == "dataset")
        .where(sa.or_(t.c.package_id.is_(None), t.c.scored_at < p.c.metadata_modified,
                      t.c.scored_modified.is_distinct_from(p.c.metadata_modified),
                      t.c.private != p.c.private))
    )
    if org_id:
        query = query.where(p.c.owner_org == org_id)
    return [r[0] for r in ckan_model.Session.execute(query.order_by(p.c.id))]


def drop_orphan_scores(org_id: Optional[str] = None) -> int:
    """Remove the score rows of datasets deleted, purged or moved away since they were
    scored (resource rows of a dataset that is no longer an active dataset too); returns
    how many datasets' rows went."""
    t, rt, p = DatasetScore.__table__, ResourceScore.__table__, ckan_model.package_table
    every_active = sa.select(p.c.id).where(p.c.state == "active", p.c.type == "dataset")
    active = every_active.where(p.c.owner_org == org_id) if org_id else every_active
    stale = sa.select(t.c.package_id).where(t.c.package_id.not_in(active))
    if org_id:
        stale = stale.where(t.c.owner_org == org_id)
    orphans = sa.select(rt.c.package_id).where(rt.c.package_id.not_in(every_active)).distinct()
    ids = {r[0] for r in ckan_model.Session.execute(stale)} | {r[0] for r in ckan_model.Session.execute(orphans)}
    if ids:
        delete_scores(sorted(ids))
    return len(ids)


def store_link_results(statuses: dict[str, int], checked_at: Optional[dt.datetime] = None) -> None:
    """Upsert many URLs' statuses at once (the demo's own URLs, ``demo.own_link_statuses``)."""
    when = checked_at or dt.datetime.utcnow()
    _upsert(LinkCheck.__table__, [{"url": url, "host": urlparse(url).hostname, "status": status,
                                   "content_type": None, "content_length": None, "error": None,
                                   "checked_at": when} for url, status in statuses.items()], "url")
    ckan_model.Session.commit()


def store_link_result(url: str, result: dict[str, Any]) -> int:
    from sqlalchemy.dialects.postgresql import insert as pg_insert
    row = {"url": url, "host": urlparse(url).hostname, "status": result.get("status"),
           "content_type": result.get("content_type"), "content_length": result.get("content_length"),
           "error": result.get("error"), "checked_at": dt.datetime.utcnow()}
    stmt = pg_insert(LinkCheck.__table__).values(row)
    stmt = stmt.on_conflict_do_update(index_elements=["url"], set_={k: stmt.excluded[k] for k in row if k != "url"})
    ckan_model.Session.execute(stmt)
    ckan_model.Session.commit()
    return row["status"]
