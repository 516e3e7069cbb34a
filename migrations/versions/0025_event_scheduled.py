"""an event card's Discord Scheduled Event: edits made to it, and one waiting for its creation

Revision ID: 0025
Revises: 0024
Create Date: 2026-12-05
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0025"
down_revision = "0024"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("event_cards") as batch:
        batch.add_column(
            sa.Column("scheduled_version", sa.Integer(), nullable=False, server_default="0")
        )
        batch.add_column(
            sa.Column("scheduled_dirty", sa.Boolean(), nullable=False, server_default=sa.false())
        )


def downgrade() -> None:
    with op.batch_alter_table("event_cards") as batch:
        batch.drop_column("scheduled_dirty")
        batch.drop_column("scheduled_version")
