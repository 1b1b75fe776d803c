"""Index package (owner_org, metadata_modified): a ward's report aggregates its
organisation's datasets, and the report cache asks each organisation's latest change.

CKAN core has no index on ``package.owner_org``; without one every per-ward report
scans the whole package table (230,000 rows for 23 wards of 10,000 datasets), and the
latest change of 23 organisations would be a scan instead of 23 index look-ups.

Revision ID: 3f9a6c2e1d04
Revises: 8c1e5a0d2b71
Create Date: 2026-11-26
"""
from alembic import op

revision = "3f9a6c2e1d04"
down_revision = "8c1e5a0d2b71"
branch_labels = None
depends_on = None

INDEX = "idx_wards_package_owner_org"


def upgrade():
    op.create_index(INDEX, "package", ["owner_org", "metadata_modified"], if_not_exists=True)


def downgrade():
    op.drop_index(INDEX, table_name="package", if_exists=True)
