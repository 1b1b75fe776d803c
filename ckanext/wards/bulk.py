"""Bulk re-scoring: read datasets straight from the database, score, bulk upsert.

No action per dataset: one query each for packages, tags, groups, resources, stored
check results and link statuses per batch of 1,000 datasets, then one multi-row
``INSERT ... ON CONFLICT DO UPDATE`` per table. The dataset dicts built here have the
package_show shape closely enough for ``scoring`` (extras merged at top level, values
as stored; ``scoring.as_list`` decodes scheming's JSON-encoded lists).
"""
from __future__ import annotations

import datetime as dt
import json
from typing import Any, Iterable, Optional

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import JSONB

import ckan.model as ckan_model

from ckanext.wards import model, scoring

BATCH = 1000

_PACKAGE_COLUMNS = ("id", "name", "title", "owner_org", "private", "state", "type",
                    "license_id", "notes", "url", "author", "author_email", "maintainer",
                    "maintainer_email", "metadata_created", "metadata_modified", "extras")
_RESOURCE_COLUMNS = ("id", "package_id", "url", "format", "mimetype", "size", "name",
                     "created", "last_modified", "metadata_modified", "url_type", "extras",
                     "position", "state")


def active_package_ids(org_id: Optional[str] = None) -> list[str]:
    p = ckan_model.package_table
    query = sa.select(p.c.id).where(p.c.state == "active", p.c.type == "dataset")
    if org_id:
        query = query.where(p.c.owner_org == org_id)
    return [r[0] for r in ckan_model.Session.execute(query.order_by(p.c.id))]


def load_datasets(package_ids: list[str]) -> list[dict[str, Any]]:
    """Dataset dicts for ``package_ids`` (active datasets only), four queries."""
    if not package_ids:
        return []
    session = ckan_model.Session
    p = ckan_model.package_table
    rows = session.execute(
        sa.select(*[p.c[c] for c in _PACKAGE_COLUMNS]).where(
            p.c.id.in_(package_ids), p.c.state == "active")).mappings().all()
    pkgs: dict[str, dict[str, Any]] = {}
    for row in rows:
        pkg = {k: v for k, v in row.items() if k != "extras"}
        for key, value in (row["extras"] or {}).items():
            pkg.setdefault(key, value)
        pkg["extras"] = [{"key": k, "value": v} for k, v in (row["extras"] or {}).items()]
        pkg["tags"], pkg["groups"], pkg["resources"] = [], [], []
        pkgs[pkg["id"]] = pkg
    ids = list(pkgs)
    if not ids:
        return []

    tag, ptag = ckan_model.tag_table, ckan_model.package_tag_table
    for pid, name in session.execute(
            sa.select(ptag.c.package_id, tag.c.name).join(tag, tag.c.id == ptag.c.tag_id)
            .where(ptag.c.package_id.in_(ids), ptag.c.state == "active")):
        pkgs[pid]["tags"].append({"name": name})

    member, group = ckan_model.member_table, ckan_model.group_table
    for pid, name in session.execute(
            sa.select(member.c.table_id, group.c.name).join(group, group.c.id == member.c.group_id)
            .where(member.c.table_id.in_(ids), member.c.table_name == "package",
                   member.c.state == "active", group.c.state == "active",
                   group.c.is_organization.is_(False))):
        pkgs[pid]["groups"].append({"name": name})

    r = ckan_model.resource_table
    for row in session.execute(
            sa.select(*[r.c[c] for c in _RESOURCE_COLUMNS])
            .where(r.c.package_id.in_(ids), r.c.state == "active")
            .order_by(r.c.package_id, r.c.position)).mappings():
        res = {k: v for k, v in row.items() if k != "extras"}
        extras = row["extras"] or {}
        if isinstance(extras, str):
            extras = json.loads(extras or "{}")
        for key, value in extras.items():
            res.setdefault(key, value)
        pkgs[row["package_id"]]["resources"].append(res)
    return [pkgs[i] for i in ids]


def _dataset_row(score: dict[str, Any], now: dt.datetime) -> dict[str, Any]:
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
        "scored_at": now,
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


def score_batch(package_ids: list[str], stored_overrides: Optional[dict[str, dict[str, Any]]] = None,
                dcat_overrides: Optional[dict[str, Optional[bool]]] = None,
                now: Optional[dt.datetime] = None) -> list[dict[str, Any]]:
    """Score and store one batch; returns the scores."""
    now = now or dt.datetime.utcnow()
    pkgs = load_datasets(package_ids)
    loaded = [p["id"] for p in pkgs]
    stored = model.stored_resource_results(loaded)
    for rid, values in (stored_overrides or {}).items():
        stored.setdefault(rid, {}).update(values)
    dcat = model.stored_dcat_results(loaded)
    dcat.update(dcat_overrides or {})
    urls = [u for p in pkgs for r in p["resources"]
            for u in (scoring.access_url(r), scoring.download_url(r)) if u]
    links = model.link_statuses(urls)

    scores = [scoring.score_dataset(p, links, stored, dcat.get(p["id"]), now) for p in pkgs]
    _upsert(model.DatasetScore.__table__, [_dataset_row(s, now) for s in scores], "package_id")
    res_rows = [row for s in scores for row in _resource_rows(s, stored, now)]
    rt = model.ResourceScore.__table__
    # resources deleted since the last score
    keep = [row["resource_id"] for row in res_rows]
    ckan_model.Session.execute(
        sa.delete(rt).where(rt.c.package_id.in_(package_ids), rt.c.resource_id.not_in(keep)))
    for start in range(0, len(res_rows), 2000):
        _upsert(rt, res_rows[start:start + 2000], "resource_id")
    # datasets gone or deleted
    gone = set(package_ids) - set(loaded)
    if gone:
        delete_scores(list(gone), commit=False)
    ckan_model.Session.commit()
    return scores


def delete_scores(package_ids: list[str], commit: bool = True) -> None:
    dt_, rt = model.DatasetScore.__table__, model.ResourceScore.__table__
    ckan_model.Session.execute(sa.delete(dt_).where(dt_.c.package_id.in_(package_ids)))
    ckan_model.Session.execute(sa.delete(rt).where(rt.c.package_id.in_(package_ids)))
    if commit:
        ckan_model.Session.commit()


def rescore(package_ids: Optional[Iterable[str]] = None, org_id: Optional[str] = None,
            all_datasets: bool = False, validate_dcat: bool = False) -> int:
    """Re-score datasets by id, one organisation (id or name) or all; returns the count.

    With ``validate_dcat`` the registered DCAT validator runs on each dataset (slow:
    it needs package_show and pyshacl); otherwise the stored SHACL result is kept.
    """
    if package_ids is not None:
        ids = list(package_ids)
    elif org_id:
        resolved = model.resolve_org_id(org_id)
        if resolved is None:
            raise ValueError(f"organisation not found: {org_id}")
        ids = active_package_ids(resolved)
        drop_orphan_scores(resolved)
    elif all_datasets:
        ids = active_package_ids()
        drop_orphan_scores(None)
    else:
        raise ValueError("give package ids, an organisation or all_datasets=True")
    count = 0
    for start in range(0, len(ids), BATCH):
        batch = ids[start:start + BATCH]
        dcat = _validate_dcat(batch) if validate_dcat else None
        count += len(score_batch(batch, dcat_overrides=dcat))
    return count


def outdated_package_ids(org_id: Optional[str] = None) -> list[str]:
    """Active datasets with no stored score, or one older than their last change.

    These are the re-score jobs that never ran (Redis was down when the dataset was
    edited, or a worker died mid-job); ``ckan wards score --stale`` catches them up.
    """
    t, p = model.DatasetScore.__table__, ckan_model.package_table
    query = (
        sa.select(p.c.id)
        .select_from(p.outerjoin(t, t.c.package_id == p.c.id))
        .where(p.c.state == "active", p.c.type == "dataset")
        .where(sa.or_(t.c.package_id.is_(None), t.c.scored_at < p.c.metadata_modified,
                      t.c.private != p.c.private))
    )
    if org_id:
        query = query.where(p.c.owner_org == org_id)
    return [r[0] for r in ckan_model.Session.execute(query.order_by(p.c.id))]


def drop_orphan_scores(org_id: Optional[str] = None) -> int:
    """Remove the score rows of datasets deleted, purged or moved away since they were
    scored (resource rows of a dataset that is no longer an active dataset too); returns
    how many datasets' rows went."""
    t, rt, p = model.DatasetScore.__table__, model.ResourceScore.__table__, ckan_model.package_table
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


def _validate_dcat(package_ids: list[str]) -> dict[str, Optional[bool]]:
    if scoring.HOOKS.get("dcat_validator") is None:
        return {}
    from ckan.plugins import toolkit as tk
    out = {}
    for pid in package_ids:
        pkg = tk.get_action("package_show")({"ignore_auth": True}, {"id": pid})
        out[pid] = scoring.run_hook("dcat_validator", pkg)
    return out
