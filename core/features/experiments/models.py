"""What the experiments remember: who got which variant, when it reached them, whether they
converted; the messages waiting to be delivered; the experiments stopped by hand.

A member's row is written the first time their message is decided and never re-drawn, so a
member keeps their variant; linked accounts are one member, and a merge keeps the kept
member's row. ``exposed_at`` is set only once the outbox marks one of their messages sent
(for the holdout: when they would have been sent one).
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from core.db.base import Base


class ExperimentAssignment(Base):
    __tablename__ = "experiment_assignments"
    __table_args__ = (
        UniqueConstraint("experiment", "member_id"),
        Index("ix_experiment_assignments_open", "experiment", "converted_at", "exposed_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    experiment: Mapped[str] = mapped_column(String(40))
    member_id: Mapped[int] = mapped_column(ForeignKey("members.id", ondelete="CASCADE"))
    variant: Mapped[str] = mapped_column(String(40))
    assigned_at: Mapped[datetime]
    exposed_at: Mapped[datetime | None]
    convert_by: Mapped[datetime | None]
    """``exposed_at`` plus the experiment's window: activity up to then converts."""
    converted_at: Mapped[datetime | None]


class ExperimentDelivery(Base):
    """A variant's message in the outbox (by its key), until the outbox says how it went."""

    __tablename__ = "experiment_deliveries"

    outbox_key: Mapped[str] = mapped_column(String(200), primary_key=True)
    experiment: Mapped[str] = mapped_column(String(40))
    member_id: Mapped[int] = mapped_column(ForeignKey("members.id", ondelete="CASCADE"), index=True)
    queued_at: Mapped[datetime]


class ExperimentStop(Base):
    """``/experiment stop``: from then on nobody is assigned, and the winner (if named) is
    the message everyone gets."""

    __tablename__ = "experiment_stops"

    experiment: Mapped[str] = mapped_column(String(40), primary_key=True)
    winner: Mapped[str | None] = mapped_column(String(40))
    stopped_at: Mapped[datetime]
    stopped_by: Mapped[int | None]
