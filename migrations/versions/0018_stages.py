"""every member's lifecycle stage with their recent active days, and each change of stage

Revision ID: 0018
Revises: 0017
Create Date: 2026-12-05
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0018"
down_revision = "0017"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "member_stages",
        sa.Column("member_id", sa.Integer(), nullable=False),
        sa.Column("stage", sa.String(length=12), nullable=False),
        sa.Column("since", sa.DateTime(timezone=True), nullable=False),
        sa.Column("joined_day", sa.Integer(), nullable=False),
        sa.Column("last_active_day", sa.Integer(), nullable=False),
        sa.Column("bits_day", sa.Integer(), nullable=False),
        sa.Column("active_bits", sa.BigInteger(), nullable=False),
        sa.ForeignKeyConstraint(
            ["member_id"],
            ["members.id"],
            name=op.f("fk_member_stages_member_id_members"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("member_id", name=op.f("pk_member_stages")),
    )
    with op.batch_alter_table("member_stages", schema=None) as batch_op:
        batch_op.create_index("ix_member_stages_stage", ["stage"], unique=False)

    op.create_table(
        "stage_changes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("member_id", sa.Integer(), nullable=False),
        sa.Column("from_stage", sa.String(length=12), nullable=True),
        sa.Column("to_stage", sa.String(length=12), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["member_id"],
            ["members.id"],
            name=op.f("fk_stage_changes_member_id_members"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_stage_changes")),
    )
    with op.batch_alter_table("stage_changes", schema=None) as batch_op:
        batch_op.create_index("ix_stage_changes_at", ["at"], unique=False)
        batch_op.create_index(batch_op.f("ix_stage_changes_member_id"), ["member_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("stage_changes", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_stage_changes_member_id"))
        batch_op.drop_index("ix_stage_changes_at")

    op.drop_table("stage_changes")
    with op.batch_alter_table("member_stages", schema=None) as batch_op:
        batch_op.drop_index("ix_member_stages_stage")

    op.drop_table("member_stages")
