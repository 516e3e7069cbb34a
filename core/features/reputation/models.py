"""What reputation remembers: the ledger, its rollup for leaderboards, and what earning needs.

The ledger is append-only: a balance is the sum of a member's rows, and taking points back
(a removed reaction, a moderator, a reset) is a row of its own. The rollup is a running sum
per scope and period, kept in the same transaction, so a leaderboard reads an index instead
of summing millions of rows. Merging two members (a link) adds their rollup and counters
together (``merge_sum``) instead of dropping one side.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import BigInteger, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from core.db.base import Base


class RepEntry(Base):
    """One change of points: who got it, why, where, from whom, and what it came from."""

    __tablename__ = "rep_entries"
    __table_args__ = (
        Index("ix_rep_entries_member_at", "member_id", "at"),
        Index("ix_rep_entries_giver_at", "giver_id", "at"),
        Index("ix_rep_entries_source", "source"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    member_id: Mapped[int | None] = mapped_column(ForeignKey("members.id", ondelete="SET NULL"))
    points: Mapped[int]
    reason: Mapped[str] = mapped_column(String(20))
    note: Mapped[str | None] = mapped_column(Text)
    scope: Mapped[str] = mapped_column(String(100), default="")
    """The server or group it was earned in ("discord:<guild>", "telegram:<chat>"); empty
    for points from nowhere in particular (a DM command, a shipped idea)."""
    giver_id: Mapped[int | None] = mapped_column(ForeignKey("members.id", ondelete="SET NULL"))
    source: Mapped[str | None] = mapped_column(String(200))
    at: Mapped[datetime]


class RepRollup(Base):
    """A member's points in one scope ("" for everywhere) and period ("all", "w2026-11-23",
    "m2026-11")."""

    __tablename__ = "rep_rollups"
    __table_args__ = (
        Index("ix_rep_rollups_rank", "scope", "period", "points", "member_id"),
        {"info": {"merge_sum": ("points",)}},
    )

    scope: Mapped[str] = mapped_column(String(100), primary_key=True)
    period: Mapped[str] = mapped_column(String(12), primary_key=True)
    member_id: Mapped[int] = mapped_column(
        ForeignKey("members.id", ondelete="CASCADE"), primary_key=True
    )
    points: Mapped[int] = mapped_column(default=0)


class RepStats(Base):
    """Counters the rules and badges read, kept as events arrive rather than recounted."""

    __tablename__ = "rep_stats"
    __table_args__ = (
        {
            "info": {
                "merge_sum": (
                    "messages",
                    "topics",
                    "replies",
                    "thanks_received",
                    "thanks_given",
                    "solutions",
                    "days_active",
                )
            }
        },
    )

    member_id: Mapped[int] = mapped_column(
        ForeignKey("members.id", ondelete="CASCADE"), primary_key=True
    )
    messages: Mapped[int] = mapped_column(default=0)
    topics: Mapped[int] = mapped_column(default=0)
    replies: Mapped[int] = mapped_column(default=0)
    thanks_received: Mapped[int] = mapped_column(default=0)
    thanks_given: Mapped[int] = mapped_column(default=0)
    solutions: Mapped[int] = mapped_column(default=0)
    days_active: Mapped[int] = mapped_column(default=0)
    streak_days: Mapped[int] = mapped_column(default=0)
    last_active_day: Mapped[date | None]


class RepMessage(Base):
    """A message that can earn points later (a reaction, a thanks in reply, a solution) or
    that later messages are compared with; ``fingerprint`` is a SimHash of its words, never
    its text."""

    __tablename__ = "rep_messages"
    __table_args__ = (
        UniqueConstraint("platform", "chat_id", "message_id"),
        Index("ix_rep_messages_member_at", "member_id", "at"),
        Index("ix_rep_messages_thread", "platform", "chat_id", "thread_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    platform: Mapped[str] = mapped_column(String(20))
    chat_id: Mapped[str] = mapped_column(String(64))
    thread_id: Mapped[str | None] = mapped_column(String(64))
    message_id: Mapped[str] = mapped_column(String(64))
    member_id: Mapped[int] = mapped_column(ForeignKey("members.id", ondelete="CASCADE"))
    fingerprint: Mapped[int] = mapped_column(BigInteger)
    at: Mapped[datetime]


class RepRingHit(Base):
    """A thanks that closed a ring past its limit and so earned nothing: the evidence
    ``/rep suspicious`` shows moderators."""

    __tablename__ = "rep_ring_hits"
    __table_args__ = (Index("ix_rep_ring_hits_at", "at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    ring: Mapped[str] = mapped_column(String(200))
    """The members in the ring, by id, in the order thanks went round ("3>5>8")."""
    giver_id: Mapped[int] = mapped_column(ForeignKey("members.id", ondelete="CASCADE"))
    receiver_id: Mapped[int] = mapped_column(ForeignKey("members.id", ondelete="CASCADE"))
    at: Mapped[datetime]


class RepTier(Base):
    """The tier a member was last told they hold (index in ``[[reputation.tiers]]``); no row
    is the first tier. The tiers sweep compares it with their points and moves it, telling them
    and changing their Discord role in the same transaction."""

    __tablename__ = "rep_tiers"

    member_id: Mapped[int] = mapped_column(
        ForeignKey("members.id", ondelete="CASCADE"), primary_key=True
    )
    tier: Mapped[int] = mapped_column(default=0)
    since: Mapped[datetime]
