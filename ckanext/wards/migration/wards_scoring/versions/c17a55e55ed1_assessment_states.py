"""wards_dataset_score: assessment states (points that could be assessed, their share
earned, and the metrics not assessed with their reasons).

``mqa_points`` stays as data.europa.eu counts it (not assessed = 0); beside it
``mqa_assessed_max`` and ``mqa_assessed_share`` (and the same for the Japan dimension),
and ``not_assessed`` (JSONB, metric id → reason code of metrics.yaml's
``not_assessed_reasons``), so the scorecard and the report need no re-scoring. Rows scored
before this revision have NULLs until ``ckan wards score --all``.

Revision ID: c17a55e55ed1
Revises: 5b7d2e9a4c10
Create Date: 2026-12-02
"""
import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import JSONB

revision = "c17a55e55ed1"
down_revision = "5b7d2e9a4c10"
branch_labels = None
depends_on = None

COLUMNS = (("mqa_assessed_max", sa.Integer), ("mqa_assessed_share", sa.Float),
           ("japan_assessed_max", sa.Integer), ("japan_assessed_share", sa.Float),
           ("not_assessed", JSONB))


def upgrade():
    for name, type_ in COLUMNS:
        op.add_column("wards_dataset_score", sa.Column(name, type_, nullable=True))


def downgrade():
    for name, _type in reversed(COLUMNS):
        op.drop_column("wards_dataset_score", name)
