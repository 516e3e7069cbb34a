"""A/B experiments: members' arms, variants waiting in the outbox, experiments stopped

Revision ID: 0024
Revises: 0023
Create Date: 2026-12-05
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0024"
down_revision = "0023"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "experiment_assignments",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("experiment", sa.String(length=40), nullable=False),
        sa.Column("member_id", sa.Integer(), nullable=False),
        sa.Column("variant", sa.String(length=40), nullable=False),
        sa.Column("assigned_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("exposed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("convert_by", sa.DateTime(timezone=True), nullable=True),
        sa.Column("converted_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["member_id"],
            ["members.id"],
            name=op.f("fk_experiment_assignments_member_id_members"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_experiment_assignments")),
        sa.UniqueConstraint(
            "experiment", "member_id", name=op.f("uq_experiment_assignments_experiment")
        ),
    )
    op.create_index(
        "ix_experiment_assignments_open",
        "experiment_assignments",
        ["experiment", "converted_at", "exposed_at"],
    )
    op.create_table(
        "experiment_deliveries",
        sa.Column("outbox_key", sa.String(length=200), nullable=False),
        sa.Column("experiment", sa.String(length=40), nullable=False),
        sa.Column("member_id", sa.Integer(), nullable=False),
        sa.Column("queued_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["member_id"],
            ["members.id"],
            name=op.f("fk_experiment_deliveries_member_id_members"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("outbox_key", name=op.f("pk_experiment_deliveries")),
    )
    op.create_index(
        op.f("ix_experiment_deliveries_member_id"), "experiment_deliveries", ["member_id"]
    )
    op.create_table(
        "experiment_stops",
        sa.Column("experiment", sa.String(length=40), nullable=False),
        sa.Column("winner", sa.String(length=40), nullable=True),
        sa.Column("stopped_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("stopped_by", sa.Integer(), nullable=True),
        sa.PrimaryKeyConstraint("experiment", name=op.f("pk_experiment_stops")),
    )


def downgrade() -> None:
    op.drop_table("experiment_stops")
    op.drop_index(op.f("ix_experiment_deliveries_member_id"), table_name="experiment_deliveries")
    op.drop_table("experiment_deliveries")
    op.drop_index("ix_experiment_assignments_open", table_name="experiment_assignments")
    op.drop_table("experiment_assignments")
