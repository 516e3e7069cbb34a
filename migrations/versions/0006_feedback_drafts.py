"""feedback drafts apart from items, so item numbers run without gaps

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-22
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None

_DRAFT_COLUMNS = "member_id, category, title, description, locale, created_at"


def upgrade() -> None:
    op.create_table(
        "feedback_drafts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("member_id", sa.Integer(), nullable=False),
        sa.Column("category", sa.String(length=10), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("locale", sa.String(length=10), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("submitted_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("item_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["item_id"],
            ["feedback_items.id"],
            name=op.f("fk_feedback_drafts_item_id_feedback_items"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["member_id"],
            ["members.id"],
            name=op.f("fk_feedback_drafts_member_id_members"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_feedback_drafts")),
    )
    with op.batch_alter_table("feedback_drafts", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_feedback_drafts_member_id"), ["member_id"], unique=False
        )
    # Drafts of members since deleted had no one left to choose, so they are not carried over.
    op.execute(
        f"INSERT INTO feedback_drafts ({_DRAFT_COLUMNS}) SELECT {_DRAFT_COLUMNS} "
        "FROM feedback_items WHERE status = 'draft' AND member_id IS NOT NULL"
    )
    op.execute("DELETE FROM feedback_items WHERE status = 'draft'")


def downgrade() -> None:
    op.execute(
        f"INSERT INTO feedback_items ({_DRAFT_COLUMNS}, status, updated_at) "
        f"SELECT {_DRAFT_COLUMNS}, 'draft', created_at FROM feedback_drafts "
        "WHERE submitted_at IS NULL"
    )
    with op.batch_alter_table("feedback_drafts", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_feedback_drafts_member_id"))
    op.drop_table("feedback_drafts")
