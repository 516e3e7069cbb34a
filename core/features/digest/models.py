"""What the digest remembers: which founder got which day's digest, and who wants it weekly."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from core.db.base import Base


class DigestSent(Base):
    """One row per founder per local date, written in the transaction that queues the
    digest: the unique key is what makes it one digest a day across restarts and a kill."""

    __tablename__ = "digest_sent"
    __table_args__ = (UniqueConstraint("member_id", "local_date"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    member_id: Mapped[int] = mapped_column(ForeignKey("members.id", ondelete="CASCADE"))
    local_date: Mapped[date]
    """The date in the founder's time zone when it was due."""
    kind: Mapped[str] = mapped_column(String(10))
    """``daily``, or ``weekly`` (the Monday summary)."""
    queued_at: Mapped[datetime]


class DigestChoice(Base):
    """A founder's ``/digest weekly on``; no row is the daily digest."""

    __tablename__ = "digest_choices"

    member_id: Mapped[int] = mapped_column(
        ForeignKey("members.id", ondelete="CASCADE"), primary_key=True
    )
    weekly: Mapped[bool] = mapped_column(default=False)
