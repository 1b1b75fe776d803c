"""wards_dataset_score.scored_modified: the dataset's metadata_modified as it was scored.

``ckan wards score --stale`` compared ``scored_at`` with ``metadata_modified`` only; CKAN sets
``metadata_modified`` when an edit starts, so a re-score job that read the previous state
while the edit was being committed stored a newer ``scored_at`` and the edit was never
re-scored if its own job was lost. Rows scored before this revision have no value and are
re-scored once by ``--stale``.

Revision ID: 5b7d2e9a4c10
Revises: 8f2a1c3d4e5b
Create Date: 2026-12-02
"""
import sqlalchemy as sa
from alembic import op

revision = "5b7d2e9a4c10"
down_revision = "8f2a1c3d4e5b"
branch_labels = None
depends_on = None


def upgrade():
    op.add_column("wards_dataset_score", sa.Column("scored_modified", sa.DateTime, nullable=True))


def downgrade():
    op.drop_column("wards_dataset_score", "scored_modified")
