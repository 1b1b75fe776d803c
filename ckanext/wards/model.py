"""The extension's own tables, on CKAN's metadata (``toolkit.BaseModel``).

Being on CKAN's metadata, CKAN's test clean-up (``reset_db``) empties them too. The
tables are created by the alembic migrations in ``migration/<plugin>/``
(``ckan db upgrade -p wards_scoring``), never by ``create_all``.

Scoring tables (plugin wards_scoring):
- ``wards_dataset_score``: one row per scored dataset, the summary the scorecard and the
  ward report read (``org_rows``) plus every metric's points (``metrics`` JSONB).
- ``wards_resource_score``: classification of each resource, and the stored results
  of slow checks (sniffed content type, standard checker, machine-readability rules).
- ``wards_link_check``: last HEAD result per URL (link checker jobs).

Other plugins add their tables below the scoring section.
"""
from __future__ import annotations

import datetime as dt
from typing import Any, Optional

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import JSONB

import ckan.model as ckan_model
from ckan.plugins import toolkit as tk


def _now() -> dt.datetime:
    return dt.datetime.utcnow()


# --- scoring tables (wards_scoring) ---


class DatasetScore(tk.BaseModel):
    __tablename__ = "wards_dataset_score"

    package_id = sa.Column(sa.UnicodeText, primary_key=True)
    owner_org = sa.Column(sa.UnicodeText, index=True)
    name = sa.Column(sa.UnicodeText)
    title = sa.Column(sa.UnicodeText)
    private = sa.Column(sa.Boolean, nullable=False, default=False)
    mqa_points = sa.Column(sa.Integer, nullable=False)
    rating = sa.Column(sa.UnicodeText, nullable=False)
    japan_points = sa.Column(sa.Integer, nullable=False)
    stars = sa.Column(sa.Integer, nullable=False)
    machine_readable_strict = sa.Column(sa.Boolean, nullable=False)
    machine_readable_broad = sa.Column(sa.Boolean, nullable=False)
    has_csv = sa.Column(sa.Boolean, nullable=False)
    api_count = sa.Column(sa.Integer, nullable=False)
    open_licence = sa.Column(sa.Boolean, nullable=False)
    conforms_to = sa.Column(JSONB, nullable=False, default=list)
    conformance_ok = sa.Column(sa.Boolean)
    dcat_compliant = sa.Column(sa.Boolean)
    resource_count = sa.Column(sa.Integer, nullable=False)
    metrics = sa.Column(JSONB, nullable=False)       # metric id → points
    fixes = sa.Column(JSONB, nullable=False)         # [[metric id, points gained], ...] best first
    scored_at = sa.Column(sa.DateTime, nullable=False, default=_now)


class ResourceScore(tk.BaseModel):
    __tablename__ = "wards_resource_score"

    resource_id = sa.Column(sa.UnicodeText, primary_key=True)
    package_id = sa.Column(sa.UnicodeText, nullable=False, index=True)
    code = sa.Column(sa.UnicodeText)                 # EU file-type code
    media_type = sa.Column(sa.UnicodeText)
    stars = sa.Column(sa.Integer, nullable=False)
    machine_readable_strict = sa.Column(sa.Boolean, nullable=False)
    machine_readable_broad = sa.Column(sa.Boolean, nullable=False)
    is_api = sa.Column(sa.Boolean, nullable=False)
    is_csv = sa.Column(sa.Boolean, nullable=False)
    format_mismatch = sa.Column(sa.Boolean, nullable=False)
    # results of slow checks, kept across bulk re-scoring
    sniffed_code = sa.Column(sa.UnicodeText)
    conformance_ok = sa.Column(sa.Boolean)
    rules_score = sa.Column(sa.Float)
    scored_at = sa.Column(sa.DateTime, nullable=False, default=_now)


class LinkCheck(tk.BaseModel):
    __tablename__ = "wards_link_check"

    url = sa.Column(sa.UnicodeText, primary_key=True)
    host = sa.Column(sa.UnicodeText, index=True)
    status = sa.Column(sa.Integer)                   # HTTP status; 1100 connection error, 1300 bad URL
    content_type = sa.Column(sa.UnicodeText)
    content_length = sa.Column(sa.BigInteger)
    error = sa.Column(sa.UnicodeText)
    checked_at = sa.Column(sa.DateTime, nullable=False, default=_now)


def standard_conformant(t=None) -> Any:
    """The one rule of "conforms to a national standard dataset", as SQL (the ward report
    counts it, ``org_rows`` selects it): a standard declared, and not failed by the checker."""
    t = DatasetScore.__table__ if t is None else t
    declared = sa.and_(sa.func.jsonb_typeof(t.c.conforms_to) == "array",
                       t.c.conforms_to != sa.literal_column("'[]'::jsonb"))
    return sa.and_(declared, t.c.conformance_ok.isnot(False))


DATASET_SUMMARY_COLUMNS = (
    "package_id", "name", "title", "owner_org", "private", "mqa_points", "rating",
    "japan_points", "stars", "machine_readable_strict", "machine_readable_broad",
    "has_csv", "api_count", "open_licence", "conforms_to", "conformance_ok",
    "dcat_compliant", "resource_count", "metrics", "fixes", "scored_at",
)


def resolve_org_id(org: str) -> Optional[str]:
    """Organisation id from an id or a name (None if there is none)."""
    group = ckan_model.Group.get(org)
    return group.id if group is not None and group.is_organization else None


def org_header(org: str) -> Optional[dict[str, Any]]:
    """id, name, title and description of an organisation, straight from the database.

    Our pages use this instead of ``organization_show``, which counts the organisation's
    datasets through Solr: the pages must keep answering while Solr is down.
    """
    group = ckan_model.Group.get(org)
    if group is None or not group.is_organization:
        return None
    return {"id": group.id, "name": group.name, "title": group.title or group.name,
            "display_name": group.title or group.name, "description": group.description,
            "image_url": group.image_url}


def org_rows(org: str, include_private: bool = False) -> list[dict[str, Any]]:
    """Stored dataset scores of an organisation's active datasets, one query.

    Joined with ``package`` so deleted datasets and private flags are current even if a
    re-score job has not run yet. See ``scoring.org_summary_rows`` for the keys.
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


def stored_resource_results(package_ids: list[str]) -> dict[str, dict[str, Any]]:
    """resource id → stored slow-check results, for a batch of datasets."""
    if not package_ids:
        return {}
    t = ResourceScore.__table__
    query = sa.select(t.c.resource_id, t.c.sniffed_code, t.c.conformance_ok, t.c.rules_score) \
        .where(t.c.package_id.in_(package_ids))
    return {r.resource_id: {"sniffed_code": r.sniffed_code, "conformance_ok": r.conformance_ok,
                            "rules_score": r.rules_score}
            for r in ckan_model.Session.execute(query)}


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


# --- end of scoring tables ---


# --- report snapshots (wards_compare) ---


class ReportSnapshot(tk.BaseModel):
    """Every accepted standard ward report, local or collected from a peer, dated.

    ``source`` is ``local:<organization id>`` or the peer's report URL; the latest row per
    source is what the comparison shows, older rows are the trend. Migration:
    ``migration/wards_compare`` (``ckan db upgrade -p wards_compare``).
    """
    __tablename__ = "wards_compare_snapshot"

    id = sa.Column(sa.UnicodeText, primary_key=True)
    ward_code = sa.Column(sa.UnicodeText, nullable=False)
    source = sa.Column(sa.UnicodeText, nullable=False)
    organization_id = sa.Column(sa.UnicodeText)
    computed_at = sa.Column(sa.DateTime, nullable=False)
    stored_at = sa.Column(sa.DateTime, nullable=False, default=_now)
    report = sa.Column(JSONB, nullable=False)
    __table_args__ = (
        sa.UniqueConstraint("source", "computed_at", name="wards_compare_snapshot_source_time"),
        sa.Index("wards_compare_snapshot_ward_time", "ward_code", "computed_at"),
    )


# --- end of report snapshots ---
