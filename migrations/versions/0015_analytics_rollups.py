"""analytics: the rollups of the activity log (member days, presence bits, members' firsts,
day counts) and the sweep's high-water mark

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-05
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0015"
down_revision = "0014"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "analytics_days",
        sa.Column("day", sa.Integer(), nullable=False),
        sa.Column("platform", sa.String(length=20), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("feature", sa.String(length=40), nullable=False),
        sa.Column("events", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint(
            "day", "platform", "kind", "feature", name=op.f("pk_analytics_days")
        ),
    )
    op.create_table(
        "analytics_member_days",
        sa.Column("member_id", sa.Integer(), nullable=False),
        sa.Column("day", sa.Integer(), nullable=False),
        sa.Column("platform", sa.String(length=20), nullable=False),
        sa.Column("feature", sa.String(length=40), nullable=False),
        sa.Column("messages", sa.Integer(), nullable=False),
        sa.Column("commands", sa.Integer(), nullable=False),
        sa.Column("presses", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint(
            "member_id", "day", "platform", "feature", name=op.f("pk_analytics_member_days")
        ),
    )
    with op.batch_alter_table("analytics_member_days", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_analytics_member_days_day"), ["day"], unique=False)

    op.create_table(
        "analytics_members",
        sa.Column("member_id", sa.Integer(), nullable=False),
        sa.Column("platform", sa.String(length=20), nullable=False),
        sa.Column("joined_day", sa.Integer(), nullable=True),
        sa.Column("first_active_day", sa.Integer(), nullable=True),
        sa.Column("first_message_day", sa.Integer(), nullable=True),
        sa.PrimaryKeyConstraint("member_id", "platform", name=op.f("pk_analytics_members")),
    )
    op.create_table(
        "analytics_presence",
        sa.Column("member_id", sa.Integer(), nullable=False),
        sa.Column("platform", sa.String(length=20), nullable=False),
        sa.Column("block", sa.Integer(), nullable=False),
        sa.Column("days", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint(
            "member_id", "platform", "block", name=op.f("pk_analytics_presence")
        ),
    )
    with op.batch_alter_table("analytics_presence", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_analytics_presence_block"), ["block"], unique=False)

    op.create_table(
        "analytics_state",
        sa.Column("name", sa.String(length=40), nullable=False),
        sa.Column("value", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("name", name=op.f("pk_analytics_state")),
    )


def downgrade() -> None:
    op.drop_table("analytics_state")
    with op.batch_alter_table("analytics_presence", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_analytics_presence_block"))

    op.drop_table("analytics_presence")
    op.drop_table("analytics_members")
    with op.batch_alter_table("analytics_member_days", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_analytics_member_days_day"))

    op.drop_table("analytics_member_days")
    op.drop_table("analytics_days")
