"""Report snapshots: every accepted standard ward report, local or collected, dated.

Revision ID: 8c1e5a0d2b71
Revises:
Create Date: 2026-11-26
"""
import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = "8c1e5a0d2b71"
down_revision = None
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "wards_compare_snapshot",
        sa.Column("id", sa.UnicodeText, primary_key=True),
        sa.Column("ward_code", sa.UnicodeText, nullable=False),
        # "local:<organization id>" for this portal's wards, the report URL for a peer
        sa.Column("source", sa.UnicodeText, nullable=False),
        sa.Column("organization_id", sa.UnicodeText, nullable=True),
        sa.Column("computed_at", sa.DateTime, nullable=False),
        sa.Column("stored_at", sa.DateTime, nullable=False),
        sa.Column("report", postgresql.JSONB, nullable=False),
        sa.UniqueConstraint("source", "computed_at", name="wards_compare_snapshot_source_time"),
    )
    op.create_index("wards_compare_snapshot_ward_time", "wards_compare_snapshot",
                    ["ward_code", "computed_at"])


def downgrade():
    op.drop_index("wards_compare_snapshot_ward_time", table_name="wards_compare_snapshot")
    op.drop_table("wards_compare_snapshot")
