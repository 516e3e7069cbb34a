"""Scheduled work for events, each a pass over database state (see core/scheduler.py)."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy.ext.asyncio import AsyncSession

from core.context import Services
from core.features.events import attendance, cards, reminders, scheduled, series
from core.registry import Registry

registry = Registry("events")


@registry.sweep("events.cards", every=timedelta(seconds=2))
async def refresh_cards(services: Services, session: AsyncSession) -> int:
    """Cards whose answers changed inside their edit window get their one edit now, and
    Discord Scheduled Events changed before Discord named them are brought in step."""
    edits = await cards.refresh_dirty(session, services)
    return edits + await scheduled.refresh_dirty(session, services)


@registry.sweep("events.reminders", every=timedelta(minutes=1))
async def send_reminders(services: Services, session: AsyncSession) -> int:
    """Reminders whose time has come, once per member, through the outbox."""
    return await reminders.sweep(services, session)


@registry.sweep("events.series", every=timedelta(minutes=10))
async def post_series(services: Services, session: AsyncSession) -> int:
    """The next occurrences of weekly and monthly series, once within post_ahead_days."""
    return await series.post_due(session, services)


@registry.sweep("events.survey", every=timedelta(minutes=5))
async def survey(services: Services, session: AsyncSession) -> int:
    """After an event ends, its attendees are asked once how it was."""
    return await attendance.send_surveys(session, services)
