"""What the lifecycle remembers: each newcomer's checklist, each member's stage, the changes.

Progress on the checklist is noticed from what members do (the activity log and the other
features' rows) and written here once, so the welcome, ``/onboarding`` and the nudges read
one place. A stage row keeps the member's recent active days as a bitmask, so the daily
sweep reads only that day's activity rows, however long the log grows.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from core.db.base import Base


class Onboarding(Base):
    """A newcomer's checklist, started by their welcome (or by ``/onboarding``)."""

    __tablename__ = "onboarding"
    __table_args__ = (Index("ix_onboarding_open", "finished_at", "started_at"),)

    member_id: Mapped[int] = mapped_column(
        ForeignKey("members.id", ondelete="CASCADE"), primary_key=True
    )
    started_at: Mapped[datetime]
    platform: Mapped[str] = mapped_column(String(20))
    chat_id: Mapped[str | None] = mapped_column(String(64))
    """Where they joined: the congratulation goes there when they take no unasked DMs."""
    guild_id: Mapped[str | None] = mapped_column(String(64))
    nudges_sent: Mapped[int] = mapped_column(default=0)
    finished_at: Mapped[datetime | None]


class OnboardingStep(Base):
    """One task of the checklist, done."""

    __tablename__ = "onboarding_steps"

    member_id: Mapped[int] = mapped_column(
        ForeignKey("members.id", ondelete="CASCADE"), primary_key=True
    )
    task: Mapped[str] = mapped_column(String(20), primary_key=True)
    done_at: Mapped[datetime]


class LifecycleMark(Base):
    """How far a sweep has read: the last activity row, the last day whose stages are set."""

    __tablename__ = "lifecycle_marks"

    name: Mapped[str] = mapped_column(String(40), primary_key=True)
    value: Mapped[int] = mapped_column(BigInteger)
