"""a newcomer's checklist (onboarding, its steps) and the lifecycle sweeps' marks

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-05
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "lifecycle_marks",
        sa.Column("name", sa.String(length=40), nullable=False),
        sa.Column("value", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("name", name=op.f("pk_lifecycle_marks")),
    )
    op.create_table(
        "onboarding",
        sa.Column("member_id", sa.Integer(), nullable=False),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("platform", sa.String(length=20), nullable=False),
        sa.Column("chat_id", sa.String(length=64), nullable=True),
        sa.Column("guild_id", sa.String(length=64), nullable=True),
        sa.Column("nudges_sent", sa.Integer(), nullable=False),
        sa.Column("finished_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["member_id"],
            ["members.id"],
            name=op.f("fk_onboarding_member_id_members"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("member_id", name=op.f("pk_onboarding")),
    )
    with op.batch_alter_table("onboarding", schema=None) as batch_op:
        batch_op.create_index("ix_onboarding_open", ["finished_at", "started_at"], unique=False)

    op.create_table(
        "onboarding_steps",
        sa.Column("member_id", sa.Integer(), nullable=False),
        sa.Column("task", sa.String(length=20), nullable=False),
        sa.Column("done_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["member_id"],
            ["members.id"],
            name=op.f("fk_onboarding_steps_member_id_members"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("member_id", "task", name=op.f("pk_onboarding_steps")),
    )


def downgrade() -> None:
    op.drop_table("onboarding_steps")
    with op.batch_alter_table("onboarding", schema=None) as batch_op:
        batch_op.drop_index("ix_onboarding_open")

    op.drop_table("onboarding")
    op.drop_table("lifecycle_marks")
