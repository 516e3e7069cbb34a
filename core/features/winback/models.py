"""What win-back remembers: each member's message of each cycle, who said stop, and whether
a moderator paused it.

A ``WinbackMessage`` row is written when a cycle plans a member's message (unique per
member and cycle, so a cycle run twice plans nobody twice) and marked when it is queued in
the outbox in the same transaction, so a pass killed anywhere neither loses nor doubles one.
A held-out member's row is kept as if sent: the lift over the holdout is measured, not
assumed.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, BigInteger, ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from core.db.base import Base

PLANNED = "planned"
SENT = "sent"
HELD = "holdout"
DROPPED = "dropped"
"""Planned but not sent: the member came back, said stop or can no longer be reached."""
COUNTED = (SENT, HELD)
"""What counts towards ``min_days_between`` and ``max_per_member``."""


class WinbackMessage(Base):
    __tablename__ = "winback_messages"
    __table_args__ = (
        UniqueConstraint("member_id", "cycle"),
        Index("ix_winback_messages_due", "status", "due_at"),
        Index("ix_winback_messages_sent", "sent_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    member_id: Mapped[int] = mapped_column(ForeignKey("members.id", ondelete="CASCADE"), index=True)
    cycle: Mapped[datetime]
    """The schedule's firing that planned it."""
    due_at: Mapped[datetime]
    """The member's most active hour in their zone, out of their quiet hours."""
    left_at: Mapped[datetime]
    """When they were last seen, as the cycle found them: "what is new since"."""
    topic: Mapped[str] = mapped_column(String(12))
    status: Mapped[str] = mapped_column(String(10), default=PLANNED)
    variant: Mapped[str | None] = mapped_column(String(40))
    platform: Mapped[str | None] = mapped_column(String(20))
    sent_at: Mapped[datetime | None]


class WinbackStop(Base):
    """A member pressed "🔕 Stop these": kept on the member, so for all their accounts."""

    __tablename__ = "winback_stops"

    member_id: Mapped[int] = mapped_column(
        ForeignKey("members.id", ondelete="CASCADE"), primary_key=True
    )
    at: Mapped[datetime]


class WinbackControl(Base):
    """One row: the last cycle planned, and a moderator's pause."""

    __tablename__ = "winback_control"

    id: Mapped[int] = mapped_column(primary_key=True)
    last_cycle: Mapped[datetime | None]
    read_to: Mapped[int] = mapped_column(BigInteger, default=0)
    """The last activity row the members' profiles have counted."""
    paused_at: Mapped[datetime | None]
    paused_by: Mapped[int | None] = mapped_column(ForeignKey("members.id", ondelete="SET NULL"))


class WinbackProfile(Base):
    """What the activity log says of one member, kept up to date a few rows at a time so a
    cycle reads one row per member instead of the whole log: how often they were active in
    each UTC hour, and the platform and topic of their latest activity."""

    __tablename__ = "winback_profiles"

    member_id: Mapped[int] = mapped_column(
        ForeignKey("members.id", ondelete="CASCADE"), primary_key=True
    )
    hours: Mapped[list[int]] = mapped_column(JSON)
    """24 counts, one per UTC hour."""
    platform: Mapped[str | None] = mapped_column(String(20))
    topic: Mapped[str | None] = mapped_column(String(12))
