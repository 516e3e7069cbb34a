"""ambassadors: who the programme invited, who accepted (and since when), declined or left

Revision ID: 0017
Revises: 0016
Create Date: 2026-12-05
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0017"
down_revision = "0016"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "ambassadors",
        sa.Column("member_id", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("invited_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("invited_by", sa.Integer(), nullable=True),
        sa.Column("answered_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("since", sa.DateTime(timezone=True), nullable=True),
        sa.Column("removed_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["invited_by"],
            ["members.id"],
            name=op.f("fk_ambassadors_invited_by_members"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["member_id"],
            ["members.id"],
            name=op.f("fk_ambassadors_member_id_members"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("member_id", name=op.f("pk_ambassadors")),
    )
    with op.batch_alter_table("ambassadors", schema=None) as batch_op:
        batch_op.create_index("ix_ambassadors_status", ["status"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("ambassadors", schema=None) as batch_op:
        batch_op.drop_index("ix_ambassadors_status")
    op.drop_table("ambassadors")
