"""What the FAQ remembers: moderators' entries, every answer given with its outcome, and
the questions it missed, proposed back to moderators.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from core.db.base import Base


class StoredEntry(Base):
    """An entry managed with /faq; it overrides a file entry with the same id and locale.

    ``removed`` hides an entry (file-based ones included) without losing its history.
    """

    __tablename__ = "faq_entries"

    id: Mapped[str] = mapped_column(String(100), primary_key=True)
    locale: Mapped[str] = mapped_column(String(10), primary_key=True)
    title: Mapped[str] = mapped_column(String(300))
    questions: Mapped[list[str]] = mapped_column(JSON)
    answer: Mapped[str] = mapped_column(Text)
    tags: Mapped[list[str]] = mapped_column(JSON)
    removed: Mapped[bool] = mapped_column(default=False)
    updated_by: Mapped[int | None] = mapped_column(ForeignKey("members.id", ondelete="SET NULL"))
    updated_at: Mapped[datetime]


class AnswerLog(Base):
    """One question the bot was asked, what it did, and what happened next.

    ``message_id`` and ``chat_id`` locate the member's question so a moderator's reply to it
    can be recognised. ``parent_id`` links a topic the member picked to the declined question
    it was offered for, so stats count that question once. ``repeated_at`` and
    ``escalated_at`` are the follow-ups that say the answer did not settle it.
    """

    __tablename__ = "faq_answers"
    __table_args__ = (
        Index("ix_faq_answers_asked_at", "asked_at"),
        Index("ix_faq_answers_message", "platform", "chat_id", "message_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    member_id: Mapped[int | None] = mapped_column(
        ForeignKey("members.id", ondelete="SET NULL"), index=True
    )
    question: Mapped[str] = mapped_column(Text)
    locale: Mapped[str] = mapped_column(String(10))
    entry_id: Mapped[str | None] = mapped_column(String(100))
    score: Mapped[float]
    answered: Mapped[bool]
    platform: Mapped[str] = mapped_column(String(20))
    asked_at: Mapped[datetime]
    suggestions: Mapped[list[str]] = mapped_column(JSON)
    escalated_at: Mapped[datetime | None]
    vote: Mapped[str | None] = mapped_column(String(4))
    voted_at: Mapped[datetime | None]
    message_id: Mapped[str | None] = mapped_column(String(64))
    chat_id: Mapped[str | None] = mapped_column(String(64))
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("faq_answers.id", ondelete="SET NULL"))
    repeated_at: Mapped[datetime | None]


class Suggestion(Base):
    """A question the knowledge base missed, proposed to moderators as an entry or phrasing.

    ``entry_id`` set: add ``question`` as a new phrasing of that entry. Unset: a new entry
    with ``answer``. ``source`` and ``source_ref`` say where it came from (a ticket "T-12", an
    answer log id) and keep one suggestion per origin however often it is proposed.
    """

    __tablename__ = "faq_suggestions"
    __table_args__ = (
        UniqueConstraint("source", "source_ref"),
        Index("ix_faq_suggestions_status", "status", "proposed_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    question: Mapped[str] = mapped_column(Text)
    answer: Mapped[str | None] = mapped_column(Text)
    locale: Mapped[str] = mapped_column(String(10))
    entry_id: Mapped[str | None] = mapped_column(String(100))
    source: Mapped[str] = mapped_column(String(20))
    source_ref: Mapped[str] = mapped_column(String(64))
    status: Mapped[str] = mapped_column(String(10), default="pending")
    proposed_by: Mapped[int | None] = mapped_column(ForeignKey("members.id", ondelete="SET NULL"))
    proposed_at: Mapped[datetime]
    decided_by: Mapped[int | None] = mapped_column(ForeignKey("members.id", ondelete="SET NULL"))
    decided_at: Mapped[datetime | None]
