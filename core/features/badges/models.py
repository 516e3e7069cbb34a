"""What badges remember: who holds which badge, and which rules the sweep has applied.

A member holds a badge at most once (the unique constraint), whether a rule, a moderator or
another feature gave it. A badge taken back keeps its row with ``taken_at`` set, so a rule
the member still meets does not give it again; giving it by hand clears ``taken_at``. A link
of two accounts keeps one row per badge (see accounts' merge).
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from core.db.base import Base


class MemberBadge(Base):
    __tablename__ = "member_badges"
    __table_args__ = (
        UniqueConstraint("member_id", "badge_id"),
        Index("ix_member_badges_badge", "badge_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    member_id: Mapped[int] = mapped_column(ForeignKey("members.id", ondelete="CASCADE"))
    badge_id: Mapped[str] = mapped_column(String(40))
    earned_at: Mapped[datetime]
    given_by: Mapped[int | None] = mapped_column(ForeignKey("members.id", ondelete="SET NULL"))
    """The moderator who gave it by hand; None when a rule or a feature gave it."""
    taken_at: Mapped[datetime | None]
    taken_by: Mapped[int | None] = mapped_column(ForeignKey("members.id", ondelete="SET NULL"))


class BadgeRuleSwept(Base):
    """The rule text each badge had when the sweep last gave it to everyone who met it: a
    badge whose rule is new or changed since is swept again."""

    __tablename__ = "badge_rules_swept"

    badge_id: Mapped[str] = mapped_column(String(40), primary_key=True)
    rule: Mapped[str] = mapped_column(Text)
    swept_at: Mapped[datetime]
