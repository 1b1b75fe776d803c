"""Create the score tables: wards_dataset_score, wards_resource_score, wards_link_check.

Revision ID: 8f2a1c3d4e5b
Revises:
Create Date: 2026-11-26 23:20:00
"""
from alembic import op
import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import JSONB

revision = "8f2a1c3d4e5b"
down_revision = None
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "wards_dataset_score",
        sa.Column("package_id", sa.UnicodeText, primary_key=True),
        sa.Column("owner_org", sa.UnicodeText, index=True),
        sa.Column("name", sa.UnicodeText),
        sa.Column("title", sa.UnicodeText),
        sa.Column("private", sa.Boolean, nullable=False, server_default=sa.false()),
        sa.Column("mqa_points", sa.Integer, nullable=False),
        sa.Column("rating", sa.UnicodeText, nullable=False),
        sa.Column("japan_points", sa.Integer, nullable=False),
        sa.Column("stars", sa.Integer, nullable=False),
        sa.Column("machine_readable_strict", sa.Boolean, nullable=False),
        sa.Column("machine_readable_broad", sa.Boolean, nullable=False),
        sa.Column("has_csv", sa.Boolean, nullable=False),
        sa.Column("api_count", sa.Integer, nullable=False),
        sa.Column("open_licence", sa.Boolean, nullable=False),
        sa.Column("conforms_to", JSONB, nullable=False, server_default="[]"),
        sa.Column("conformance_ok", sa.Boolean),
        sa.Column("dcat_compliant", sa.Boolean),
        sa.Column("resource_count", sa.Integer, nullable=False),
        sa.Column("metrics", JSONB, nullable=False),
        sa.Column("fixes", JSONB, nullable=False),
        sa.Column("scored_at", sa.DateTime, nullable=False),
    )
    op.create_table(
        "wards_resource_score",
        sa.Column("resource_id", sa.UnicodeText, primary_key=True),
        sa.Column("package_id", sa.UnicodeText, nullable=False, index=True),
        sa.Column("code", sa.UnicodeText),
        sa.Column("media_type", sa.UnicodeText),
        sa.Column("stars", sa.Integer, nullable=False),
        sa.Column("machine_readable_strict", sa.Boolean, nullable=False),
        sa.Column("machine_readable_broad", sa.Boolean, nullable=False),
        sa.Column("is_api", sa.Boolean, nullable=False),
        sa.Column("is_csv", sa.Boolean, nullable=False),
        sa.Column("format_mismatch", sa.Boolean, nullable=False),
        sa.Column("sniffed_code", sa.UnicodeText),
        sa.Column("conformance_ok", sa.Boolean),
        sa.Column("rules_score", sa.Float),
        sa.Column("scored_at", sa.DateTime, nullable=False),
    )
    op.create_table(
        "wards_link_check",
        sa.Column("url", sa.UnicodeText, primary_key=True),
        sa.Column("host", sa.UnicodeText, index=True),
        sa.Column("status", sa.Integer),
        sa.Column("content_type", sa.UnicodeText),
        sa.Column("content_length", sa.BigInteger),
        sa.Column("error", sa.UnicodeText),
        sa.Column("checked_at", sa.DateTime, nullable=False),
    )


def downgrade():
    op.drop_table("wards_link_check")
    op.drop_table("wards_resource_score")
    op.drop_table("wards_dataset_score")
