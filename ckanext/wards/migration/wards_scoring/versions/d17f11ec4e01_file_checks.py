"""wards_file_check: the last check of each resource's file (issue 17, file checks as part
of scoring): hash and HTTP validators (unchanged files are not read again), sniffed type
and encoding, the government rules' level scores and rule results, the standard verdict,
and ``file_state``/``file_reason`` (not assessed, and why).

Revision ID: d17f11ec4e01
Revises: c17a55e55ed1
Create Date: 2026-12-02
"""
import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import JSONB

revision = "d17f11ec4e01"
down_revision = "c17a55e55ed1"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "wards_file_check",
        sa.Column("resource_id", sa.UnicodeText, primary_key=True),
        sa.Column("package_id", sa.UnicodeText, nullable=False, index=True),
        sa.Column("url", sa.UnicodeText),
        sa.Column("file_state", sa.UnicodeText),
        sa.Column("file_reason", sa.UnicodeText),
        sa.Column("sha256", sa.UnicodeText),
        sa.Column("etag", sa.UnicodeText),
        sa.Column("http_last_modified", sa.UnicodeText),
        sa.Column("size", sa.BigInteger),
        sa.Column("sniffed_code", sa.UnicodeText),
        sa.Column("encoding", sa.UnicodeText),
        sa.Column("checker", sa.UnicodeText),
        sa.Column("standard_id", sa.UnicodeText),
        sa.Column("conformance_ok", sa.Boolean),
        sa.Column("level_scores", JSONB),
        sa.Column("levels", JSONB),
        sa.Column("rules", JSONB),
        sa.Column("rules_score", sa.Float),
        sa.Column("error", sa.UnicodeText),
        sa.Column("checked_at", sa.DateTime, nullable=False),
    )


def downgrade():
    op.drop_table("wards_file_check")
