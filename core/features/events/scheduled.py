"""Each event as a native Discord Scheduled Event in the server of every Discord announce
place, beside its card, kept in step when its start, title or place changes and cancelled
with it.

Creating and changing one is outgoing work through the outbox, like a role change: done once
under its key, surviving a restart. Discord names a new one in the receipt, which the outbox
keeps; a change waits (``scheduled_dirty``) until that name is known. Without Manage Events
Discord refuses: staff are told once and the cards carry on alone.
"""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from core.context import Services
from core.events import Platform, Reply, ScheduledEvent
from core.features.events.models import Event, EventCard
from core.features.events.views import view
from core.features.tickets.places import staff_root
from core.features.tickets.settings import TicketSettings
from core.outbox import OutboxMessage, OutboxStatus
from core.places import configured_place


def _key(card: EventCard) -> str:
    return f"event:{card.event_id}:card:{card.id}:scheduled"


async def _queue(
    session: AsyncSession,
    services: Services,
    event: Event,
    card: EventCard,
    key: str,
    discord_id: str | None = None,
) -> int:
    place = configured_place(f"{card.platform}:{card.chat_id}")
    staff = staff_root(services.settings.section(TicketSettings), Platform.DISCORD)
    refused = None
    if staff is not None:
        warning = Reply("events/scheduled_refused", {"event": view(event)})
        refused = (f"events:scheduled-refused:{card.chat_id}", staff, warning)
    native = ScheduledEvent(
        name=event.title,
        starts_at=event.starts_at,
        ends_at=event.ends_at,
        location=event.location,
        discord_id=discord_id,
        cancelled=event.cancelled_at is not None,
    )
    description = Reply("events/scheduled", {"event": view(event)}, locale=event.locale)
    return int(
        await services.notifier.schedule(session, place, description, native, key, refused=refused)
    )


async def post(
    session: AsyncSession, services: Services, event: Event, cards: Sequence[EventCard]
) -> int:
    """A Scheduled Event for each of the event's new cards in a Discord place."""
    queued = 0
    for card in cards:
        if card.platform == Platform.DISCORD.value:
            queued += await _queue(session, services, event, card, _key(card))
    return queued


async def _sync(session: AsyncSession, services: Services, event: Event, card: EventCard) -> int:
    """Bring one card's Scheduled Event in step, once Discord has named it."""
    created = (
        await session.execute(
            select(OutboxMessage.status, OutboxMessage.message_id).where(
                OutboxMessage.idempotency_key == _key(card)
            )
        )
    ).first()
    if created is not None and created.status == OutboxStatus.PENDING.value:
        card.scheduled_dirty = True
        return 0
    card.scheduled_dirty = False
    if created is None or created.message_id is None:
        return 0  # refused (told to staff) or never made: nothing to keep in step
    card.scheduled_version += 1
    key = f"{_key(card)}:v{card.scheduled_version}"
    return await _queue(session, services, event, card, key, created.message_id)


async def changed(session: AsyncSession, services: Services, event: Event) -> int:
    """The event's start, title or place changed, or it was cancelled."""
    found = await session.scalars(
        select(EventCard).where(
            EventCard.event_id == event.id, EventCard.platform == Platform.DISCORD.value
        )
    )
    queued = 0
    for card in list(found):
        queued += await _sync(session, services, event, card)
    return queued


async def refresh_dirty(session: AsyncSession, services: Services) -> int:
    """The sweep's pass: changes that waited for their Scheduled Event to be created."""
    waiting = list(
        await session.scalars(select(EventCard).where(EventCard.scheduled_dirty.is_(True)))
    )
    queued = 0
    for card in waiting:
        queued += await _sync(session, services, await session.get_one(Event, card.event_id), card)
    return queued
