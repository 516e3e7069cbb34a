"""FAQ suggestions and answer outcomes

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-22
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "faq_suggestions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("question", sa.Text(), nullable=False),
        sa.Column("answer", sa.Text(), nullable=True),
        sa.Column("locale", sa.String(length=10), nullable=False),
        sa.Column("entry_id", sa.String(length=100), nullable=True),
        sa.Column("source", sa.String(length=20), nullable=False),
        sa.Column("source_ref", sa.String(length=64), nullable=False),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("proposed_by", sa.Integer(), nullable=True),
        sa.Column("proposed_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("decided_by", sa.Integer(), nullable=True),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["proposed_by"],
            ["members.id"],
            name=op.f("fk_faq_suggestions_proposed_by_members"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["decided_by"],
            ["members.id"],
            name=op.f("fk_faq_suggestions_decided_by_members"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_faq_suggestions")),
        sa.UniqueConstraint("source", "source_ref", name=op.f("uq_faq_suggestions_source")),
    )
    with op.batch_alter_table("faq_suggestions", schema=None) as batch_op:
        batch_op.create_index("ix_faq_suggestions_status", ["status", "proposed_at"], unique=False)
    with op.batch_alter_table("faq_answers", schema=None) as batch_op:
        batch_op.add_column(sa.Column("message_id", sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column("chat_id", sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column("parent_id", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("repeated_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.create_foreign_key(
            batch_op.f("fk_faq_answers_parent_id_faq_answers"),
            "faq_answers",
            ["parent_id"],
            ["id"],
            ondelete="SET NULL",
        )
        batch_op.create_index(
            "ix_faq_answers_message", ["platform", "chat_id", "message_id"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("faq_answers", schema=None) as batch_op:
        batch_op.drop_index("ix_faq_answers_message")
        batch_op.drop_constraint(
            batch_op.f("fk_faq_answers_parent_id_faq_answers"), type_="foreignkey"
        )
        batch_op.drop_column("repeated_at")
        batch_op.drop_column("parent_id")
        batch_op.drop_column("chat_id")
        batch_op.drop_column("message_id")
    with op.batch_alter_table("faq_suggestions", schema=None) as batch_op:
        batch_op.drop_index("ix_faq_suggestions_status")
    op.drop_table("faq_suggestions")
