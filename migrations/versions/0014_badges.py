"""badges: who holds which badge (given by a rule, by hand or by a feature), and the rule
each badge had when the sweep last applied it

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-05
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0014"
down_revision = "0013"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "badge_rules_swept",
        sa.Column("badge_id", sa.String(length=40), nullable=False),
        sa.Column("rule", sa.Text(), nullable=False),
        sa.Column("swept_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("badge_id", name=op.f("pk_badge_rules_swept")),
    )
    op.create_table(
        "member_badges",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("member_id", sa.Integer(), nullable=False),
        sa.Column("badge_id", sa.String(length=40), nullable=False),
        sa.Column("earned_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("given_by", sa.Integer(), nullable=True),
        sa.Column("taken_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("taken_by", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["given_by"],
            ["members.id"],
            name=op.f("fk_member_badges_given_by_members"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["member_id"],
            ["members.id"],
            name=op.f("fk_member_badges_member_id_members"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["taken_by"],
            ["members.id"],
            name=op.f("fk_member_badges_taken_by_members"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_member_badges")),
        sa.UniqueConstraint("member_id", "badge_id", name=op.f("uq_member_badges_member_id")),
    )
    with op.batch_alter_table("member_badges", schema=None) as batch_op:
        batch_op.create_index("ix_member_badges_badge", ["badge_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("member_badges", schema=None) as batch_op:
        batch_op.drop_index("ix_member_badges_badge")

    op.drop_table("member_badges")
    op.drop_table("badge_rules_swept")
