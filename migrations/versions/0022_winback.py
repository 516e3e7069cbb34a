"""win-back: each member's message of each cycle, who said stop, the pause

Revision ID: 0022
Revises: 0021
Create Date: 2026-12-05
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0022"
down_revision = "0021"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "winback_messages",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("member_id", sa.Integer(), nullable=False),
        sa.Column("cycle", sa.DateTime(timezone=True), nullable=False),
        sa.Column("due_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("left_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("topic", sa.String(length=12), nullable=False),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("variant", sa.String(length=40), nullable=True),
        sa.Column("platform", sa.String(length=20), nullable=True),
        sa.Column("sent_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["member_id"],
            ["members.id"],
            name=op.f("fk_winback_messages_member_id_members"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_winback_messages")),
        sa.UniqueConstraint("member_id", "cycle", name=op.f("uq_winback_messages_member_id")),
    )
    op.create_index(
        "ix_winback_messages_due", "winback_messages", ["status", "due_at"], unique=False
    )
    op.create_index("ix_winback_messages_sent", "winback_messages", ["sent_at"], unique=False)
    op.create_index(
        op.f("ix_winback_messages_member_id"), "winback_messages", ["member_id"], unique=False
    )
    op.create_table(
        "winback_stops",
        sa.Column("member_id", sa.Integer(), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["member_id"],
            ["members.id"],
            name=op.f("fk_winback_stops_member_id_members"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("member_id", name=op.f("pk_winback_stops")),
    )
    op.create_table(
        "winback_control",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("last_cycle", sa.DateTime(timezone=True), nullable=True),
        sa.Column("paused_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("paused_by", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["paused_by"],
            ["members.id"],
            name=op.f("fk_winback_control_paused_by_members"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_winback_control")),
    )


def downgrade() -> None:
    op.drop_table("winback_control")
    op.drop_table("winback_stops")
    op.drop_index(op.f("ix_winback_messages_member_id"), table_name="winback_messages")
    op.drop_index("ix_winback_messages_sent", table_name="winback_messages")
    op.drop_index("ix_winback_messages_due", table_name="winback_messages")
    op.drop_table("winback_messages")
