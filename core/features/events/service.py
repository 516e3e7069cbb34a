"""Events and answers in the database: creating, answering, the waitlist moving up.

Nothing here speaks to members: functions change rows (flushing for ids, never committing;
the caller's transaction holds the change and the messages it causes) and say what changed.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from core.clock import as_utc
from core.features.events.models import Event, Rsvp
from core.features.events.parse import Draft

_REF = re.compile(r"^(?:E-?)?(\d{1,9})$", re.IGNORECASE)


class Answer(StrEnum):
    GOING = "going"
    MAYBE = "maybe"
    NO = "no"
    WAITLIST = "waitlist"


CHOICES = (Answer.GOING, Answer.MAYBE, Answer.NO)


@dataclass(frozen=True)
class Counts:
    going: int = 0
    maybe: int = 0
    no: int = 0
    waitlist: int = 0


@dataclass(frozen=True)
class Answered:
    """``status`` after the press (waitlist when Going was full), the member's place in line,
    whether anything changed, and who moved up from the waitlist because of it."""

    status: Answer
    position: int = 0
    changed: bool = True
    promoted: tuple[int, ...] = ()


def event_id_of(text: str) -> int | None:
    found = _REF.match(unicodedata.normalize("NFKC", text.strip()))
    return int(found.group(1)) if found else None


async def find(session: AsyncSession, ref: str) -> Event | None:
    event_id = event_id_of(ref)
    return None if event_id is None else await session.get(Event, event_id)


async def create(
    session: AsyncSession,
    draft: Draft,
    *,
    organiser_id: int,
    locale: str,
    now: datetime,
    series_id: int | None = None,
) -> Event:
    event = Event(
        kind=draft.kind,
        title=draft.title,
        starts_at=draft.starts_at,
        ends_at=draft.starts_at + draft.duration,
        timezone=draft.timezone,
        capacity=draft.capacity,
        location=draft.location,
        recurrence=draft.recurrence,
        series_id=series_id,
        organiser_id=organiser_id,
        locale=locale,
        created_at=now,
    )
    session.add(event)
    await session.flush()
    return event


def moment(at: datetime, zone: str) -> dict[str, Any]:
    """A time as templates word it: the date's parts in ``zone``, and the zone's name."""
    local = as_utc(at).astimezone(ZoneInfo(zone))
    return {
        "year": local.year,
        "month": local.month,
        "day": local.day,
        "weekday": local.weekday(),
        "time": local.strftime("%H:%M"),
        "zone": zone,
        "unix": int(as_utc(at).timestamp()),
    }


def starts(event: Event, zone: str | None = None) -> dict[str, Any]:
    return moment(event.starts_at, zone or event.timezone)


async def counts(session: AsyncSession, event_id: int) -> Counts:
    rows = await session.execute(
        select(Rsvp.status, func.count()).where(Rsvp.event_id == event_id).group_by(Rsvp.status)
    )
    return Counts(**{str(status): int(count) for status, count in rows.all()})


async def rsvp_of(session: AsyncSession, event_id: int, member_id: int) -> Rsvp | None:
    return await session.scalar(
        select(Rsvp).where(Rsvp.event_id == event_id, Rsvp.member_id == member_id)
    )


async def position(session: AsyncSession, rsvp: Rsvp) -> int:
    """1 for the first in line; 0 when not on the waitlist."""
    if rsvp.status != Answer.WAITLIST:
        return 0
    ahead = await session.scalar(
        select(func.count()).where(
            Rsvp.event_id == rsvp.event_id,
            Rsvp.status == Answer.WAITLIST.value,
            (Rsvp.queued_at < rsvp.queued_at)
            | ((Rsvp.queued_at == rsvp.queued_at) & (Rsvp.id < rsvp.id)),
        )
    )
    return int(ahead or 0) + 1


async def answer(
    session: AsyncSession, event: Event, member_id: int, choice: Answer, now: datetime
) -> Answered:
    """One answer per member: a new press replaces the old one. Going past capacity joins
    the waitlist; leaving Going lets the first in line move up."""
    rsvp = await rsvp_of(session, event.id, member_id)
    before = Answer(rsvp.status) if rsvp else None
    if choice is Answer.GOING and before in (Answer.GOING, Answer.WAITLIST):
        assert rsvp is not None
        return Answered(Answer(rsvp.status), await position(session, rsvp), changed=False)
    if choice is before:
        return Answered(choice, changed=False)
    status = choice
    if choice is Answer.GOING and event.capacity is not None:
        going = (await counts(session, event.id)).going
        status = Answer.GOING if going < event.capacity else Answer.WAITLIST
    if rsvp is None:
        rsvp = Rsvp(event_id=event.id, member_id=member_id, answered_at=now, queued_at=now)
        session.add(rsvp)
    rsvp.status, rsvp.answered_at = status.value, now
    if status in (Answer.GOING, Answer.WAITLIST):
        rsvp.queued_at = now
    await session.flush()
    promoted = await promote(session, event) if before is Answer.GOING else ()
    return Answered(status, await position(session, rsvp), promoted=promoted)


async def promote(session: AsyncSession, event: Event) -> tuple[int, ...]:
    """Fill free places from the waitlist, first come first served; the members moved up."""
    if event.capacity is None:
        free = None
    else:
        free = event.capacity - (await counts(session, event.id)).going
        if free <= 0:
            return ()
    query = (
        select(Rsvp)
        .where(Rsvp.event_id == event.id, Rsvp.status == Answer.WAITLIST.value)
        .order_by(Rsvp.queued_at, Rsvp.id)
    )
    waiting = list(await session.scalars(query if free is None else query.limit(free)))
    for rsvp in waiting:
        rsvp.status = Answer.GOING.value
    await session.flush()
    return tuple(rsvp.member_id for rsvp in waiting)


async def members_answering(
    session: AsyncSession, event_id: int, statuses: Sequence[Answer]
) -> list[int]:
    return list(
        await session.scalars(
            select(Rsvp.member_id)
            .where(Rsvp.event_id == event_id, Rsvp.status.in_([s.value for s in statuses]))
            .order_by(Rsvp.id)
        )
    )


def is_open(event: Event, now: datetime, close_minutes: int) -> bool:
    """Answers are taken until ``close_minutes`` before the start (negative: after it)."""
    closes = as_utc(event.starts_at) - timedelta(minutes=close_minutes)
    return event.cancelled_at is None and now < closes
