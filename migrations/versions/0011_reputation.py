"""reputation: the points ledger, its leaderboard rollup, counters, remembered messages
and stopped thank-you rings

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-05
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "rep_entries",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("member_id", sa.Integer(), nullable=False),
        sa.Column("points", sa.Integer(), nullable=False),
        sa.Column("reason", sa.String(length=20), nullable=False),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("scope", sa.String(length=100), nullable=False),
        sa.Column("giver_id", sa.Integer(), nullable=True),
        sa.Column("source", sa.String(length=200), nullable=True),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["giver_id"],
            ["members.id"],
            name=op.f("fk_rep_entries_giver_id_members"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["member_id"],
            ["members.id"],
            name=op.f("fk_rep_entries_member_id_members"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_rep_entries")),
    )
    with op.batch_alter_table("rep_entries", schema=None) as batch_op:
        batch_op.create_index("ix_rep_entries_giver_at", ["giver_id", "at"], unique=False)
        batch_op.create_index("ix_rep_entries_member_at", ["member_id", "at"], unique=False)
        batch_op.create_index("ix_rep_entries_source", ["source"], unique=False)

    op.create_table(
        "rep_messages",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("platform", sa.String(length=20), nullable=False),
        sa.Column("chat_id", sa.String(length=64), nullable=False),
        sa.Column("thread_id", sa.String(length=64), nullable=True),
        sa.Column("message_id", sa.String(length=64), nullable=False),
        sa.Column("member_id", sa.Integer(), nullable=False),
        sa.Column("fingerprint", sa.BigInteger(), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["member_id"],
            ["members.id"],
            name=op.f("fk_rep_messages_member_id_members"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_rep_messages")),
        sa.UniqueConstraint(
            "platform", "chat_id", "message_id", name=op.f("uq_rep_messages_platform")
        ),
    )
    with op.batch_alter_table("rep_messages", schema=None) as batch_op:
        batch_op.create_index("ix_rep_messages_member_at", ["member_id", "at"], unique=False)
        batch_op.create_index(
            "ix_rep_messages_thread", ["platform", "chat_id", "thread_id"], unique=False
        )

    op.create_table(
        "rep_ring_hits",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("ring", sa.String(length=200), nullable=False),
        sa.Column("giver_id", sa.Integer(), nullable=False),
        sa.Column("receiver_id", sa.Integer(), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["giver_id"],
            ["members.id"],
            name=op.f("fk_rep_ring_hits_giver_id_members"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["receiver_id"],
            ["members.id"],
            name=op.f("fk_rep_ring_hits_receiver_id_members"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_rep_ring_hits")),
    )
    with op.batch_alter_table("rep_ring_hits", schema=None) as batch_op:
        batch_op.create_index("ix_rep_ring_hits_at", ["at"], unique=False)

    op.create_table(
        "rep_rollups",
        sa.Column("scope", sa.String(length=100), nullable=False),
        sa.Column("period", sa.String(length=12), nullable=False),
        sa.Column("member_id", sa.Integer(), nullable=False),
        sa.Column("points", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["member_id"],
            ["members.id"],
            name=op.f("fk_rep_rollups_member_id_members"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("scope", "period", "member_id", name=op.f("pk_rep_rollups")),
    )
    with op.batch_alter_table("rep_rollups", schema=None) as batch_op:
        batch_op.create_index(
            "ix_rep_rollups_rank", ["scope", "period", "points", "member_id"], unique=False
        )

    op.create_table(
        "rep_stats",
        sa.Column("member_id", sa.Integer(), nullable=False),
        sa.Column("messages", sa.Integer(), nullable=False),
        sa.Column("topics", sa.Integer(), nullable=False),
        sa.Column("replies", sa.Integer(), nullable=False),
        sa.Column("thanks_received", sa.Integer(), nullable=False),
        sa.Column("thanks_given", sa.Integer(), nullable=False),
        sa.Column("solutions", sa.Integer(), nullable=False),
        sa.Column("days_active", sa.Integer(), nullable=False),
        sa.Column("streak_days", sa.Integer(), nullable=False),
        sa.Column("last_active_day", sa.Date(), nullable=True),
        sa.ForeignKeyConstraint(
            ["member_id"],
            ["members.id"],
            name=op.f("fk_rep_stats_member_id_members"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("member_id", name=op.f("pk_rep_stats")),
    )


def downgrade() -> None:
    op.drop_table("rep_stats")
    with op.batch_alter_table("rep_rollups", schema=None) as batch_op:
        batch_op.drop_index("ix_rep_rollups_rank")

    op.drop_table("rep_rollups")
    with op.batch_alter_table("rep_ring_hits", schema=None) as batch_op:
        batch_op.drop_index("ix_rep_ring_hits_at")

    op.drop_table("rep_ring_hits")
    with op.batch_alter_table("rep_messages", schema=None) as batch_op:
        batch_op.drop_index("ix_rep_messages_thread")
        batch_op.drop_index("ix_rep_messages_member_at")

    op.drop_table("rep_messages")
    with op.batch_alter_table("rep_entries", schema=None) as batch_op:
        batch_op.drop_index("ix_rep_entries_source")
        batch_op.drop_index("ix_rep_entries_member_at")
        batch_op.drop_index("ix_rep_entries_giver_at")

    op.drop_table("rep_entries")
