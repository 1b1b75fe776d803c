"""The extension's own tables, on CKAN's metadata (``toolkit.BaseModel``).

Being on CKAN's metadata, CKAN's test clean-up (``reset_db``) empties them too. The
tables are created by the alembic migrations in ``migration/<plugin>/``
(``ckan db upgrade -p wards_scoring``), never by ``create_all``.

Scoring tables (plugin wards_scoring):
- ``wards_dataset_score``: one row per scored dataset, the summary the scorecard and the
  ward report read plus every metric's points (``metrics`` JSONB).
- ``wards_resource_score``: classification of each resource, and the stored results
  of slow checks (sniffed content type, standard checker, machine-readability rules).
- ``wards_link_check``: last HEAD result per URL (link checker jobs).
- ``wards_file_check``: the last check of each resource's file (file-check jobs and
  ``ckan wards check-files``).

Tables only: their reads and writes are in ``scoring/store.py`` (scores) and
``compare.py`` (snapshots). Other plugins add their tables below the scoring section.
"""
from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import JSONB

from ckan.plugins import toolkit as tk


def _now() -> dt.datetime:
    return dt.datetime.utcnow()


# --- scoring tables (wards_scoring) ---


class _Readability:
    """What a dataset's and a resource's score both say of machine readability."""
    stars = sa.Column(sa.Integer, nullable=False)
    machine_readable_strict = sa.Column(sa.Boolean, nullable=False)
    machine_readable_broad = sa.Column(sa.Boolean, nullable=False)


class DatasetScore(_Readability, tk.BaseModel):
    __tablename__ = "wards_dataset_score"

    package_id = sa.Column(sa.UnicodeText, primary_key=True)
    owner_org = sa.Column(sa.UnicodeText, index=True)
    name = sa.Column(sa.UnicodeText)
    title = sa.Column(sa.UnicodeText)
    private = sa.Column(sa.Boolean, nullable=False, default=False)
    mqa_points = sa.Column(sa.Integer, nullable=False)
    rating = sa.Column(sa.UnicodeText, nullable=False)
    japan_points = sa.Column(sa.Integer, nullable=False)
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
    # The dataset's metadata_modified as it was read for this score: an edit committed
    # while a job was scoring the previous state makes the row stale whatever the clocks say.
    scored_modified = sa.Column(sa.DateTime)
    # Assessment states: the points of the metrics that could be assessed and the share of
    # them earned (MQA and Japan), and which metrics were not assessed, why (id → reason).
    mqa_assessed_max = sa.Column(sa.Integer)
    mqa_assessed_share = sa.Column(sa.Float)
    japan_assessed_max = sa.Column(sa.Integer)
    japan_assessed_share = sa.Column(sa.Float)
    not_assessed = sa.Column(JSONB)


class ResourceScore(_Readability, tk.BaseModel):
    __tablename__ = "wards_resource_score"

    resource_id = sa.Column(sa.UnicodeText, primary_key=True)
    package_id = sa.Column(sa.UnicodeText, nullable=False, index=True)
    code = sa.Column(sa.UnicodeText)                 # EU file-type code
    media_type = sa.Column(sa.UnicodeText)
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


class FileCheck(tk.BaseModel):
    """The last check of each resource's file (``scoring/filestore.py`` reads and writes it):
    what was read (hash, HTTP validators, sniffed type and encoding), the government rules'
    level scores and each rule's result with capped examples, the standard verdict, and
    whether the file could be assessed at all (``file_state``/``file_reason``)."""
    __tablename__ = "wards_file_check"

    resource_id = sa.Column(sa.UnicodeText, primary_key=True)
    package_id = sa.Column(sa.UnicodeText, nullable=False, index=True)
    url = sa.Column(sa.UnicodeText)                  # the URL (or upload name) that was read
    file_state = sa.Column(sa.UnicodeText)           # checked / not_assessed
    file_reason = sa.Column(sa.UnicodeText)          # metrics.yaml not_assessed_reasons
    sha256 = sa.Column(sa.UnicodeText)
    etag = sa.Column(sa.UnicodeText)
    http_last_modified = sa.Column(sa.UnicodeText)
    size = sa.Column(sa.BigInteger)
    sniffed_code = sa.Column(sa.UnicodeText)         # EU file-type code from the bytes
    encoding = sa.Column(sa.UnicodeText)
    checker = sa.Column(sa.UnicodeText)              # conformance.checker.fingerprint
    standard_id = sa.Column(sa.UnicodeText)
    conformance_ok = sa.Column(sa.Boolean)
    level_scores = sa.Column(JSONB)                  # {"L1": 0-100 or null, "L2": ..., "L3": ...}
    levels = sa.Column(JSONB)                        # the checker's levels (score, failed rules, FATAL)
    rules = sa.Column(JSONB)                         # each evaluated rule: passed, count, capped examples
    rules_score = sa.Column(sa.Float)                # the weakest evaluated level
    error = sa.Column(sa.UnicodeText)
    checked_at = sa.Column(sa.DateTime, nullable=False, default=_now)


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
