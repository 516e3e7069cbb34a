"""What the FAQ remembers: moderators' entries, and every answer given with its outcome."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, ForeignKey, Index, String, Text
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
    """One question the bot was asked, what it did, and what the member thought."""

    __tablename__ = "faq_answers"
    __table_args__ = (Index("ix_faq_answers_asked_at", "asked_at"),)

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
