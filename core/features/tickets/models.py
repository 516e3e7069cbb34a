"""What the support desk remembers: tickets, what was said in them, and every change."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import JSON, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from core.db.base import Base


class Status(StrEnum):
    OPEN = "open"
    IN_PROGRESS = "in_progress"
    WAITING_ON_MEMBER = "waiting_on_member"
    RESOLVED = "resolved"
    CLOSED = "closed"


ACTIVE = (Status.OPEN, Status.IN_PROGRESS, Status.WAITING_ON_MEMBER)


class Ticket(Base):
    """One member's request to a human.

    ``staff_*`` is where staff work on it (a private thread, a forum topic, or the staff group
    itself with messages prefixed by the ticket id). ``member_inside`` says the member writes
    in that same place (a Discord private thread), so nothing needs relaying. ``locale`` is the
    language the member opened it in; what they hear about it speaks that language, even when
    they never chose one and nothing they send (a button press, a sweep) has text to tell by.
    """

    __tablename__ = "tickets"
    __table_args__ = (
        Index("ix_tickets_status", "status", "created_at"),
        Index("ix_tickets_staff_place", "staff_platform", "staff_chat_id", "staff_thread_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    member_id: Mapped[int | None] = mapped_column(
        ForeignKey("members.id", ondelete="SET NULL"), index=True
    )
    opened_by: Mapped[int | None] = mapped_column(ForeignKey("members.id", ondelete="SET NULL"))
    subject: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text)
    locale: Mapped[str] = mapped_column(String(10))
    platform: Mapped[str] = mapped_column(String(20))
    source: Mapped[str] = mapped_column(String(20))
    answer_log_id: Mapped[int | None]
    suggestions: Mapped[list[str]] = mapped_column(JSON)
    status: Mapped[str] = mapped_column(String(20))
    priority: Mapped[str] = mapped_column(String(10))
    tags: Mapped[list[str]] = mapped_column(JSON)
    assignee_id: Mapped[int | None] = mapped_column(ForeignKey("members.id", ondelete="SET NULL"))
    staff_platform: Mapped[str | None] = mapped_column(String(20))
    staff_chat_id: Mapped[str | None] = mapped_column(String(64))
    staff_thread_id: Mapped[str | None] = mapped_column(String(64))
    member_inside: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime]
    first_response_at: Mapped[datetime | None]
    waiting_since: Mapped[datetime | None]
    waited_seconds: Mapped[int] = mapped_column(default=0)
    """Time spent waiting on the member in earlier waits: the resolution target excludes it."""
    warned_at: Mapped[datetime | None]
    resolved_at: Mapped[datetime | None]
    resolved_by: Mapped[int | None] = mapped_column(ForeignKey("members.id", ondelete="SET NULL"))
    closed_at: Mapped[datetime | None]
    close_reason: Mapped[str | None] = mapped_column(Text)
    response_escalation: Mapped[int] = mapped_column(default=0)
    resolution_escalation: Mapped[int] = mapped_column(default=0)
    csat_score: Mapped[int | None]
    csat_comment: Mapped[str | None] = mapped_column(Text)
    csat_at: Mapped[datetime | None]
    awaiting_comment: Mapped[bool] = mapped_column(default=False)
    transcript: Mapped[str | None] = mapped_column(Text)

    @property
    def ref(self) -> str:
        return f"T-{self.id}"

    @property
    def breached(self) -> bool:
        return bool(self.response_escalation or self.resolution_escalation)


class TicketMessage(Base):
    """Something said on a ticket, by the member or by staff, kept for the transcript."""

    __tablename__ = "ticket_messages"

    id: Mapped[int] = mapped_column(primary_key=True)
    ticket_id: Mapped[int] = mapped_column(ForeignKey("tickets.id", ondelete="CASCADE"), index=True)
    author_id: Mapped[int | None] = mapped_column(ForeignKey("members.id", ondelete="SET NULL"))
    author_name: Mapped[str] = mapped_column(String(100))
    from_staff: Mapped[bool]
    text: Mapped[str] = mapped_column(Text)
    at: Mapped[datetime]


class TicketChange(Base):
    """The audit trail: who changed what on which ticket, and when."""

    __tablename__ = "ticket_changes"

    id: Mapped[int] = mapped_column(primary_key=True)
    ticket_id: Mapped[int] = mapped_column(ForeignKey("tickets.id", ondelete="CASCADE"), index=True)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("members.id", ondelete="SET NULL"))
    kind: Mapped[str] = mapped_column(String(30))
    detail: Mapped[dict[str, Any]] = mapped_column(JSON)
    at: Mapped[datetime]


class TicketDraft(Base):
    """A ticket being opened by a guided exchange: the bot asked, the member's next DM answers."""

    __tablename__ = "ticket_drafts"

    member_id: Mapped[int] = mapped_column(
        ForeignKey("members.id", ondelete="CASCADE"), primary_key=True
    )
    subject: Mapped[str | None] = mapped_column(String(200))
    started_at: Mapped[datetime]
