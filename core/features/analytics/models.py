"""The rollups: what the activity log says, folded into per-member and per-day figures.

Days are ``date.toordinal()`` numbers of calendar days in the community's time zone
(``[locale] timezone``), so a window is a range of integers on any database. Every table
that holds a member's id says how two rows of one person combine when accounts are merged
(``merge_sum`` / ``merge_min`` / ``merge_or`` in ``info``, read by
``core.features.accounts.merge``), so a linked member is one member here too.
"""

from __future__ import annotations

from sqlalchemy import BigInteger, String
from sqlalchemy.orm import Mapped, mapped_column

from core.db.base import Base

BLOCK_DAYS = 60
"""Days per ``Presence`` row: one bit each, within a signed 64-bit integer."""


class RollupState(Base):
    """How far the sweep has read: saved in the transaction that saves what it read."""

    __tablename__ = "analytics_state"

    name: Mapped[str] = mapped_column(String(40), primary_key=True)
    value: Mapped[int] = mapped_column(BigInteger)


class MemberDay(Base):
    """What one member did on one day, on one platform, through one feature."""

    __tablename__ = "analytics_member_days"
    __table_args__ = ({"info": {"merge_sum": ("messages", "commands", "presses")}},)

    member_id: Mapped[int] = mapped_column(primary_key=True)
    day: Mapped[int] = mapped_column(primary_key=True, index=True)
    platform: Mapped[str] = mapped_column(String(20), primary_key=True)
    feature: Mapped[str] = mapped_column(String(40), primary_key=True)
    messages: Mapped[int] = mapped_column(default=0)
    commands: Mapped[int] = mapped_column(default=0)
    presses: Mapped[int] = mapped_column(default=0)


class Presence(Base):
    """The days a member was active on a platform: bit ``day % BLOCK_DAYS`` of block
    ``day // BLOCK_DAYS``. Distinct members over any window (DAU, WAU, MAU, retention) are
    counted from these few rows instead of every member-day."""

    __tablename__ = "analytics_presence"
    __table_args__ = ({"info": {"merge_or": ("days",)}},)

    member_id: Mapped[int] = mapped_column(primary_key=True)
    platform: Mapped[str] = mapped_column(String(20), primary_key=True)
    block: Mapped[int] = mapped_column(primary_key=True, index=True)
    days: Mapped[int] = mapped_column(BigInteger)


class MemberStart(Base):
    """A member's firsts on a platform: the join event, any activity, a message."""

    __tablename__ = "analytics_members"
    __table_args__ = (
        {"info": {"merge_min": ("joined_day", "first_active_day", "first_message_day")}},
    )

    member_id: Mapped[int] = mapped_column(primary_key=True)
    platform: Mapped[str] = mapped_column(String(20), primary_key=True)
    joined_day: Mapped[int | None]
    first_active_day: Mapped[int | None]
    first_message_day: Mapped[int | None]

    @property
    def join_day(self) -> int | None:
        """The join event's day, else the first activity's."""
        return self.joined_day if self.joined_day is not None else self.first_active_day


class DayCount(Base):
    """Events of one kind on one day, by platform and feature (no member: merges leave it)."""

    __tablename__ = "analytics_days"

    day: Mapped[int] = mapped_column(primary_key=True)
    platform: Mapped[str] = mapped_column(String(20), primary_key=True)
    kind: Mapped[str] = mapped_column(String(20), primary_key=True)
    feature: Mapped[str] = mapped_column(String(40), primary_key=True)
    events: Mapped[int] = mapped_column(default=0)
