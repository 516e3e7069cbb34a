"""Weekly and monthly series: each occurrence is its own event, with its own answers, posted
``[events] post_ahead_days`` before it.

The rule runs on the series' wall-clock time in its zone (python-dateutil's rrule on naive
local times), so a meetup at 19:00 in Europe/Berlin stays at 19:00 across a daylight-saving
change, an hour earlier or later in UTC.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Literal
from zoneinfo import ZoneInfo

from dateutil.rrule import MONTHLY, WEEKLY, rrule
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from core.clock import as_utc
from core.context import Services
from core.features.events import cards
from core.features.events.models import Event
from core.features.events.settings import EventsSettings

FREQUENCIES: dict[str, Literal[1, 2]] = {"weekly": WEEKLY, "monthly": MONTHLY}
"""dateutil's MONTHLY is 1 and WEEKLY 2."""


def next_start(root: Event, after: datetime) -> datetime | None:
    """The series' first start after ``after`` (aware UTC), by its local wall clock."""
    if root.recurrence not in FREQUENCIES:
        return None
    zone = ZoneInfo(root.timezone)
    first = as_utc(root.starts_at).astimezone(zone).replace(tzinfo=None)
    local_after = as_utc(after).astimezone(zone).replace(tzinfo=None)
    found = rrule(FREQUENCIES[root.recurrence], dtstart=first).after(local_after)
    return None if found is None else found.replace(tzinfo=zone).astimezone(as_utc(after).tzinfo)


async def post_due(session: AsyncSession, services: Services) -> int:
    """Create (and post the cards of) every occurrence now within ``post_ahead_days``."""
    ahead = timedelta(days=services.settings.section(EventsSettings).post_ahead_days)
    now = services.clock.now()
    roots = list(
        await session.scalars(
            select(Event).where(Event.recurrence.is_not(None), Event.series_id.is_(None))
        )
    )
    queued = 0
    for root in roots:
        latest = await session.scalar(
            select(func.max(Event.starts_at)).where(
                (Event.series_id == root.id) | (Event.id == root.id)
            )
        )
        start = next_start(root, as_utc(latest or root.starts_at))
        while start is not None and start - ahead <= now:
            occurrence = Event(
                kind=root.kind,
                title=root.title,
                starts_at=start,
                ends_at=start + (as_utc(root.ends_at) - as_utc(root.starts_at)),
                timezone=root.timezone,
                capacity=root.capacity,
                location=root.location,
                series_id=root.id,
                organiser_id=root.organiser_id,
                locale=root.locale,
                created_at=now,
            )
            session.add(occurrence)
            await session.flush()
            queued += await cards.queue(
                session, services, await cards.post(session, services, occurrence)
            )
            start = next_start(root, start)
    return queued
