"""win-back: each member's profile from the activity log, read incrementally

Revision ID: 0023
Revises: 0022
Create Date: 2026-12-05
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0023"
down_revision = "0022"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "winback_profiles",
        sa.Column("member_id", sa.Integer(), nullable=False),
        sa.Column("hours", sa.JSON(), nullable=False),
        sa.Column("platform", sa.String(length=20), nullable=True),
        sa.Column("topic", sa.String(length=12), nullable=True),
        sa.ForeignKeyConstraint(
            ["member_id"],
            ["members.id"],
            name=op.f("fk_winback_profiles_member_id_members"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("member_id", name=op.f("pk_winback_profiles")),
    )
    with op.batch_alter_table("winback_control") as batch:
        batch.add_column(sa.Column("read_to", sa.BigInteger(), nullable=False, server_default="0"))


def downgrade() -> None:
    with op.batch_alter_table("winback_control") as batch:
        batch.drop_column("read_to")
    op.drop_table("winback_profiles")
