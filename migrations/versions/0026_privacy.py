"""Privacy: a forgotten member's tickets and ledger rows stay without them

Revision ID: 0026
Revises: 0025
Create Date: 2026-12-05
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0026"
down_revision = "0025"
branch_labels = None
depends_on = None

OWNERS = (
    ("tickets", "fk_tickets_member_id_members"),
    ("rep_entries", "fk_rep_entries_member_id_members"),
)


def _owner(ondelete: str, nullable: bool) -> None:
    for table, constraint in OWNERS:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_constraint(constraint, type_="foreignkey")
            batch_op.create_foreign_key(
                constraint, "members", ["member_id"], ["id"], ondelete=ondelete
            )
            batch_op.alter_column("member_id", existing_type=sa.Integer(), nullable=nullable)


def upgrade() -> None:
    _owner("SET NULL", nullable=True)


def downgrade() -> None:
    op.execute("DELETE FROM tickets WHERE member_id IS NULL")
    op.execute("DELETE FROM rep_entries WHERE member_id IS NULL")
    _owner("CASCADE", nullable=False)
