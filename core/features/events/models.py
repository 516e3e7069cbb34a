"""What events remember: each occurrence, each member's answer, the posted cards, which
reminders went out, and events being created step by step."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from core.db.base import Base


class Event(Base):
    """One occurrence; its id is what members type (E-12). A series is its occurrences, each
    pointing at the first through ``series_id``."""

    __tablename__ = "events"
    __table_args__ = (Index("ix_events_starts_at", "starts_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(12))
    title: Mapped[str] = mapped_column(String(200))
    starts_at: Mapped[datetime]
    ends_at: Mapped[datetime]
    timezone: Mapped[str] = mapped_column(String(64))
    capacity: Mapped[int | None]
    location: Mapped[str | None] = mapped_column(Text)
    recurrence: Mapped[str | None] = mapped_column(String(8))
    series_id: Mapped[int | None] = mapped_column(
        ForeignKey("events.id", ondelete="SET NULL"), index=True
    )
    organiser_id: Mapped[int | None] = mapped_column(ForeignKey("members.id", ondelete="SET NULL"))
    locale: Mapped[str] = mapped_column(String(10))
    created_at: Mapped[datetime]
    cancelled_at: Mapped[datetime | None]
    cancel_reason: Mapped[str | None] = mapped_column(Text)
    checkin_code: Mapped[str | None] = mapped_column(String(32))
    survey_sent_at: Mapped[datetime | None]
    discord_event_id: Mapped[str | None] = mapped_column(String(32))

    @property
    def ref(self) -> str:
        return f"E-{self.id}"


class Rsvp(Base):
    """One member's answer to one event. ``queued_at`` orders the waitlist: it is when they
    last asked to go, so changing one's mind goes to the back of the line."""

    __tablename__ = "event_rsvps"
    __table_args__ = (
        UniqueConstraint("event_id", "member_id"),
        Index("ix_event_rsvps_status", "event_id", "status", "queued_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"))
    member_id: Mapped[int] = mapped_column(ForeignKey("members.id", ondelete="CASCADE"), index=True)
    status: Mapped[str] = mapped_column(String(10))
    answered_at: Mapped[datetime]
    queued_at: Mapped[datetime]
    checked_in_at: Mapped[datetime | None]
    survey_score: Mapped[int | None]
    survey_comment: Mapped[str | None] = mapped_column(Text)


class EventCard(Base):
    """An event's card in one announce place. ``dirty``: answers changed since the last
    edit, which waits until ``edited_at`` is a few seconds old so a rush of presses is one
    edit. In a Discord place the card has a Scheduled Event beside it (``scheduled_*``)."""

    __tablename__ = "event_cards"
    __table_args__ = (Index("ix_event_cards_dirty", "dirty"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"), index=True)
    platform: Mapped[str] = mapped_column(String(20))
    chat_id: Mapped[str] = mapped_column(String(64))
    thread_id: Mapped[str | None] = mapped_column(String(64))
    version: Mapped[int] = mapped_column(default=0)
    dirty: Mapped[bool] = mapped_column(default=False)
    edited_at: Mapped[datetime | None]
    scheduled_version: Mapped[int] = mapped_column(default=0)
    scheduled_dirty: Mapped[bool] = mapped_column(default=False)
    """On Discord: the event changed while its Scheduled Event was still being created; the
    sweep brings it in step once Discord has named it."""


class EventReminder(Base):
    """A reminder run that finished: every recipient's DM for ``label`` before the start
    ``starts_at`` is queued. A moved start is a new run."""

    __tablename__ = "event_reminders"
    __table_args__ = (UniqueConstraint("event_id", "label", "starts_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"))
    label: Mapped[str] = mapped_column(String(10))
    starts_at: Mapped[datetime]
    done_at: Mapped[datetime]


class EventDraft(Base):
    """An event an organiser is creating step by step in a DM: their answers so far, and the
    question the bot asked last (``step``) at ``asked_at``."""

    __tablename__ = "event_drafts"

    member_id: Mapped[int] = mapped_column(
        ForeignKey("members.id", ondelete="CASCADE"), primary_key=True
    )
    step: Mapped[str] = mapped_column(String(10))
    kind: Mapped[str | None] = mapped_column(String(12))
    title: Mapped[str | None] = mapped_column(String(200))
    starts_at: Mapped[datetime | None]
    location: Mapped[str | None] = mapped_column(Text)
    timezone: Mapped[str] = mapped_column(String(64))
    asked_at: Mapped[datetime]
