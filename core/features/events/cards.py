"""An event's card in each announce place, and its live line kept current without flooding.

A press changes the database at once; the card follows at most once per
``[events] card_edit_seconds``. The first change after a quiet spell is queued with the
press; changes inside the window only mark the card dirty, and the ``events.cards`` sweep
queues one edit for all of them when the window has passed. A hundred presses in a minute
are then about a dozen edits, within every platform's edit limits.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from datetime import datetime, timedelta
from urllib.parse import urlencode

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from core.clock import as_utc
from core.context import Services
from core.events import Button, Platform, Reply
from core.features.events import scheduled, service
from core.features.events.models import Event, EventCard
from core.features.events.settings import EventsSettings
from core.features.events.views import view
from core.i18n import N_
from core.outbox import OutboxMessage, OutboxStatus
from core.places import configured_place

RSVP_ACTION = "ev.rsvp"
HERE_ACTION = "ev.here"
RSVP_LABELS = {"going": N_("✅ Going"), "maybe": N_("🤔 Maybe"), "no": N_("❌ Can't go")}
CALENDAR_TIME = "%Y%m%dT%H%M%SZ"
PHASE_LOOKBACK = timedelta(days=1)


def calendar_link(event: Event) -> str:
    """Google Calendar's "add event" page, filled in: no account or API needed."""
    dates = f"{as_utc(event.starts_at):{CALENDAR_TIME}}/{as_utc(event.ends_at):{CALENDAR_TIME}}"
    query = {"action": "TEMPLATE", "text": event.title, "dates": dates}
    if event.location:
        query["location"] = event.location
    return "https://calendar.google.com/calendar/render?" + urlencode(query)


def _key(card: EventCard) -> str:
    return f"event:{card.event_id}:card:{card.id}"


def checkin_open(event: Event, now: datetime, before_minutes: int) -> bool:
    start = as_utc(event.starts_at) - timedelta(minutes=before_minutes)
    return event.cancelled_at is None and start <= now < as_utc(event.ends_at)


async def card_reply(
    session: AsyncSession, services: Services, event: Event, platform: Platform
) -> Reply:
    settings = services.settings.section(EventsSettings)
    counts = await service.counts(session, event.id)
    now = services.clock.now()
    buttons: tuple[Button, ...] = ()
    if service.is_open(event, now, settings.rsvp_close_minutes):
        buttons = tuple(
            Button(RSVP_ACTION, f"{event.id}:{choice.value}", label_key=RSVP_LABELS[choice.value])
            for choice in service.CHOICES
        )
    if checkin_open(event, now, settings.checkin_before_minutes) and not event.checkin_code:
        buttons += (Button(HERE_ACTION, str(event.id), label_key=N_("📍 I'm here")),)
    context = {
        "event": view(event, platform=platform),
        "counts": counts,
        "calendar": calendar_link(event),
        "past": now >= as_utc(event.ends_at),
        "closed": not service.is_open(event, now, settings.rsvp_close_minutes),
    }
    return Reply("events/card", context, buttons=buttons, locale=event.locale)


async def post(session: AsyncSession, services: Services, event: Event) -> list[Reply]:
    """The event's card for every announce place, for the caller to queue (a Discord place's
    Scheduled Event is queued here)."""
    posts, posted = [], []
    for configured in services.settings.section(EventsSettings).announce_places:
        place = configured_place(configured)
        card = EventCard(
            event_id=event.id,
            platform=place.platform.value,
            chat_id=place.chat_id,
            thread_id=place.thread_id,
        )
        session.add(card)
        await session.flush()
        posted.append(card)
        reply = await card_reply(session, services, event, place.platform)
        posts.append(replace(reply, to_place=place, idempotency_key=_key(card)))
    await scheduled.post(session, services, event, posted)
    return posts


async def queue(session: AsyncSession, services: Services, replies: Sequence[Reply]) -> int:
    """Queue replies addressed to places from a sweep (handlers return them instead)."""
    queued = 0
    for reply in replies:
        if reply.to_place is not None and reply.idempotency_key:
            queued += await services.notifier.to_place(
                session, reply.to_place, reply, reply.idempotency_key
            )
    return queued


async def _posted_message(session: AsyncSession, card: EventCard) -> str | None:
    return await session.scalar(
        select(OutboxMessage.message_id).where(
            OutboxMessage.idempotency_key == _key(card),
            OutboxMessage.status == OutboxStatus.SENT.value,
        )
    )


async def _edit(
    session: AsyncSession, services: Services, event: Event, card: EventCard
) -> Reply | None:
    """The card's current text as an edit, if its post has gone out (else it stays dirty)."""
    message_id = await _posted_message(session, card)
    if message_id is None:
        card.dirty = True
        return None
    card.version += 1
    card.dirty, card.edited_at = False, services.clock.now()
    place = configured_place(f"{card.platform}:{card.chat_id}", card.thread_id)
    reply = await card_reply(session, services, event, place.platform)
    return replace(
        reply,
        to_place=place,
        edit_message_id=message_id,
        idempotency_key=f"{_key(card)}:v{card.version}",
    )


async def changed(session: AsyncSession, services: Services, event: Event) -> list[Reply]:
    """Answers changed: an edit of each card whose window allows it now (for the caller to
    return, so it is queued with the change); the others are left dirty for the sweep."""
    window = timedelta(seconds=services.settings.section(EventsSettings).card_edit_seconds)
    now = services.clock.now()
    edits = []
    for card in await _cards(session, [event.id]):
        if card.edited_at is not None and now - as_utc(card.edited_at) < window:
            card.dirty = True
        elif (edit := await _edit(session, services, event, card)) is not None:
            edits.append(edit)
    return edits


async def _mark_phase_changes(session: AsyncSession, services: Services) -> None:
    settings = services.settings.section(EventsSettings)
    now = services.clock.now()
    rows = await session.execute(
        select(EventCard, Event)
        .join(Event, Event.id == EventCard.event_id)
        .where(Event.cancelled_at.is_(None), Event.ends_at > now - PHASE_LOOKBACK)
    )
    for card, event in rows.all():
        start = as_utc(event.starts_at)
        moments = (
            start - timedelta(minutes=settings.rsvp_close_minutes),
            start - timedelta(minutes=settings.checkin_before_minutes),
            as_utc(event.ends_at),
        )
        since = as_utc(card.edited_at or event.created_at)
        if any(since < moment <= now for moment in moments):
            card.dirty = True


async def _cards(session: AsyncSession, event_ids: Sequence[int]) -> list[EventCard]:
    return list(await session.scalars(select(EventCard).where(EventCard.event_id.in_(event_ids))))


async def refresh_dirty(session: AsyncSession, services: Services) -> int:
    """The sweep's pass: one edit per dirty card whose window has passed, after marking
    dirty the cards whose event changed phase since their last edit (answers closed,
    check-in opened, the event ended), so their buttons follow."""
    await _mark_phase_changes(session, services)
    cutoff = services.clock.now() - timedelta(
        seconds=services.settings.section(EventsSettings).card_edit_seconds
    )
    cards = list(
        await session.scalars(
            select(EventCard).where(
                EventCard.dirty.is_(True),
                (EventCard.edited_at.is_(None)) | (EventCard.edited_at <= cutoff),
            )
        )
    )
    edits = []
    for card in cards:
        event = await session.get_one(Event, card.event_id)
        if (edit := await _edit(session, services, event, card)) is not None:
            edits.append(edit)
    return await queue(session, services, edits)
