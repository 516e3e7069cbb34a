"""segments: each member's segment and engagement score

Revision ID: 0020
Revises: 0019
Create Date: 2026-12-05
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0020"
down_revision = "0019"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "member_segments",
        sa.Column("member_id", sa.Integer(), nullable=False),
        sa.Column("segment", sa.String(length=20), nullable=False),
        sa.Column("score", sa.Double(), nullable=False),
        sa.Column("computed_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["member_id"],
            ["members.id"],
            name=op.f("fk_member_segments_member_id_members"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("member_id", name=op.f("pk_member_segments")),
    )
    with op.batch_alter_table("member_segments", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_member_segments_segment"), ["segment"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("member_segments", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_member_segments_segment"))
    op.drop_table("member_segments")
