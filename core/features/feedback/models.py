"""What feedback remembers: each idea or report, where it stands, and who backs it."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from core.db.base import Base


class FeedbackItem(Base):
    """A bug, idea or annoyance a member reported; its id is the number members see (#12)."""

    __tablename__ = "feedback_items"
    __table_args__ = (Index("ix_feedback_items_status", "status", "created_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    member_id: Mapped[int | None] = mapped_column(
        ForeignKey("members.id", ondelete="SET NULL"), index=True
    )
    category: Mapped[str] = mapped_column(String(10))
    title: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text)
    locale: Mapped[str] = mapped_column(String(10))
    status: Mapped[str] = mapped_column(String(12))
    reason: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]


class FeedbackVote(Base):
    """One member backing one item; the unique pair makes a second press a no-op."""

    __tablename__ = "feedback_votes"
    __table_args__ = (UniqueConstraint("item_id", "member_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("feedback_items.id", ondelete="CASCADE"))
    member_id: Mapped[int] = mapped_column(ForeignKey("members.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[datetime]


class FeedbackDraft(Base):
    """A submission that resembles open items, waiting for its author to choose between
    backing one of them and submitting anyway.

    Drafts live apart from items so that item numbers run without gaps whichever way the
    author chooses. ``item_id`` is set once submitted, so pressing "Submit anyway" again shows
    that item instead of filing a second one.
    """

    __tablename__ = "feedback_drafts"

    id: Mapped[int] = mapped_column(primary_key=True)
    member_id: Mapped[int] = mapped_column(ForeignKey("members.id", ondelete="CASCADE"), index=True)
    category: Mapped[str] = mapped_column(String(10))
    title: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text)
    locale: Mapped[str] = mapped_column(String(10))
    created_at: Mapped[datetime]
    submitted_at: Mapped[datetime | None]
    item_id: Mapped[int | None] = mapped_column(
        ForeignKey("feedback_items.id", ondelete="SET NULL")
    )


class FeedbackComposition(Base):
    """Feedback being written in the guided exchange: the bot asked for it, and the member's
    next DM is the title (first line) and details (the rest)."""

    __tablename__ = "feedback_compositions"

    member_id: Mapped[int] = mapped_column(
        ForeignKey("members.id", ondelete="CASCADE"), primary_key=True
    )
    category: Mapped[str] = mapped_column(String(10))
    started_at: Mapped[datetime]
