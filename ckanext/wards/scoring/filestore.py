"""Reads and writes of ``wards_file_check`` (``model.FileCheck``): the last check of each
resource's file, one row per resource, written by ``filechecks`` and read by
``store.stored_resource_results`` (what scoring sees), the ward report and ``--stale``.
"""
from __future__ import annotations

import datetime as dt
from typing import Any, Optional

import sqlalchemy as sa

import ckan.model as ckan_model

from ckanext.wards.model import FileCheck

COLUMNS = tuple(c.name for c in FileCheck.__table__.columns)
# What scoring reads of a file check (the contract of ``Subject.resource_store``).
SCORING_KEYS = ("file_state", "file_reason", "conformance_ok", "rules_score", "sniffed_code",
                "level_scores", "standard_id")


def file_checks(resource_ids: Optional[list[str]] = None,
                package_ids: Optional[list[str]] = None) -> dict[str, dict[str, Any]]:
    """resource id → stored row, by resource ids or by dataset ids (one query)."""
    t = FileCheck.__table__
    if resource_ids is not None:
        where = t.c.resource_id.in_(resource_ids)
    elif package_ids is not None:
        where = t.c.package_id.in_(package_ids)
    else:
        raise ValueError("give resource_ids or package_ids")
    if not (resource_ids or package_ids):
        return {}
    return {row["resource_id"]: dict(row)
            for row in ckan_model.Session.execute(sa.select(t).where(where)).mappings()}


def scoring_results(package_ids: list[str]) -> dict[str, dict[str, Any]]:
    """resource id → the assessments scoring reads, for a batch of datasets (one query)."""
    if not package_ids:
        return {}
    t = FileCheck.__table__
    query = sa.select(t.c.resource_id, *[t.c[k] for k in SCORING_KEYS]).where(t.c.package_id.in_(package_ids))
    return {r["resource_id"]: {k: r[k] for k in SCORING_KEYS}
            for r in ckan_model.Session.execute(query).mappings()}


def write(row: dict[str, Any]) -> None:
    """Upsert one resource's check (the caller commits)."""
    from sqlalchemy.dialects.postgresql import insert as pg_insert
    values = {k: row.get(k) for k in COLUMNS}
    values["checked_at"] = values["checked_at"] or dt.datetime.utcnow()
    stmt = pg_insert(FileCheck.__table__).values(values)
    stmt = stmt.on_conflict_do_update(index_elements=["resource_id"],
                                      set_={k: stmt.excluded[k] for k in values if k != "resource_id"})
    ckan_model.Session.execute(stmt)


def delete_gone(package_ids: list[str]) -> None:
    """Drop the rows of resources that are no longer active resources of these datasets."""
    t, r = FileCheck.__table__, ckan_model.resource_table
    active = sa.select(r.c.id).where(r.c.package_id.in_(package_ids), r.c.state == "active")
    ckan_model.Session.execute(sa.delete(t).where(t.c.package_id.in_(package_ids),
                                                  t.c.resource_id.not_in(active)))


def stale_package_ids(org_id: Optional[str] = None) -> list[str]:
    """Active datasets with an active resource whose file was never checked, whose URL
    changed since, that changed after its check (a new upload, a new URL, an edit), whose
    check failed (unreachable, the checker raised: retried), or checked by another checker
    version or standard data (its fingerprint differs)."""
    t, r, p = FileCheck.__table__, ckan_model.resource_table, ckan_model.package_table
    # greatest ignores NULLs: an older user-supplied last_modified must not hide an edit.
    changed = sa.func.greatest(r.c.last_modified, r.c.metadata_modified, r.c.created)
    # An upload's check keeps its download URL, the resource table only the file name:
    # a new upload changes last_modified, so uploads are compared by time only.
    url_changed = sa.and_(r.c.url_type.is_distinct_from("upload"), t.c.url.is_distinct_from(r.c.url))
    failed = sa.and_(t.c.file_state == "not_assessed", t.c.file_reason.in_(("file_unreachable", "check_failed")))
    conditions = [t.c.resource_id.is_(None), url_changed, t.c.checked_at < changed, failed]
    outdated = _outdated_checkers()
    if outdated:
        conditions.append(sa.tuple_(sa.func.coalesce(t.c.standard_id, ""), t.c.checker).in_(outdated))
    query = (
        sa.select(p.c.id).distinct()
        .select_from(r.join(p, p.c.id == r.c.package_id).outerjoin(t, t.c.resource_id == r.c.id))
        .where(p.c.state == "active", p.c.type == "dataset", r.c.state == "active")
        .where(sa.or_(*conditions))
    )
    if org_id:
        query = query.where(p.c.owner_org == org_id)
    return sorted(row[0] for row in ckan_model.Session.execute(query))


def _outdated_checkers() -> list[tuple[str, str]]:
    """(standard id or "", checker fingerprint) pairs stored that the checker now names
    otherwise (a new CHECKER_VERSION, edited rules or standard): their files are stale."""
    try:
        from ckanext.wards.conformance import checker
    except ImportError:
        return []
    t = FileCheck.__table__
    pairs = ckan_model.Session.execute(
        sa.select(sa.func.coalesce(t.c.standard_id, ""), t.c.checker).distinct().where(t.c.checker.isnot(None)))
    return [(std, fp) for std, fp in pairs if checker.fingerprint(std or None) != fp]


def level_pass_counts(org_ids: list[str], pass_score: float) -> dict[str, dict[str, int]]:
    """Per organisation: public active resources whose file was checked as a table
    (``tabular``), and of them those passing each level (``level1``… ``level3``: the level
    was evaluated and scored ≥ ``pass_score``, which a failed FATAL rule never does). One
    aggregate."""
    if not org_ids:
        return {}
    t, r, p = FileCheck.__table__, ckan_model.resource_table, ckan_model.package_table

    def passing(level: int):
        # A failed FATAL rule forces the level's score to 0, so score >= pass_score (> 0)
        # also says no FATAL rule failed.
        entry = t.c.level_scores[f"L{level}"]
        return sa.and_(sa.func.jsonb_typeof(entry) == "number", entry.as_float() >= pass_score)

    tabular = sa.and_(t.c.file_state == "checked", t.c.level_scores.isnot(None))
    query = (
        sa.select(p.c.owner_org, sa.func.count().filter(tabular).label("tabular"),
                  *[sa.func.count().filter(sa.and_(tabular, passing(k))).label(f"level{k}") for k in (1, 2, 3)])
        .select_from(t.join(r, r.c.id == t.c.resource_id).join(p, p.c.id == r.c.package_id))
        .where(p.c.owner_org.in_(org_ids), p.c.state == "active", p.c.type == "dataset",
               p.c.private.is_(False), r.c.state == "active")
        .group_by(p.c.owner_org)
    )
    return {row["owner_org"]: {k: int(row[k]) for k in ("tabular", "level1", "level2", "level3")}
            for row in ckan_model.Session.execute(query).mappings()}
