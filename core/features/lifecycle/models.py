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


class MemberStage(Base):
    """A member's stage since when, and the recent days they were active on.

    Days are ordinals (``date.toordinal()``, UTC). Bit ``i`` of ``active_bits`` is the day
    ``bits_day - i``.
    """

    __tablename__ = "member_stages"
    __table_args__ = (Index("ix_member_stages_stage", "stage"),)

    member_id: Mapped[int] = mapped_column(
        ForeignKey("members.id", ondelete="CASCADE"), primary_key=True
    )
    stage: Mapped[str] = mapped_column(String(12))
    since: Mapped[datetime]
    joined_day: Mapped[int]
    last_active_day: Mapped[int]
    bits_day: Mapped[int]
    active_bits: Mapped[int] = mapped_column(BigInteger)


class StageChange(Base):
    """One move from a stage to another (``from_stage`` None: the member's first stage)."""

    __tablename__ = "stage_changes"
    __table_args__ = (Index("ix_stage_changes_at", "at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    member_id: Mapped[int] = mapped_column(ForeignKey("members.id", ondelete="CASCADE"), index=True)
    from_stage: Mapped[str | None] = mapped_column(String(12))
    to_stage: Mapped[str] = mapped_column(String(12))
    at: Mapped[datetime]


class LifecycleMark(Base):
    """How far a sweep has read: the last activity row, the last day whose stages are set."""

    __tablename__ = "lifecycle_marks"

    name: Mapped[str] = mapped_column(String(40), primary_key=True)
    value: Mapped[int] = mapped_column(BigInteger)
