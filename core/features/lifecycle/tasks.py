"""How each onboarding task is noticed: from what the member did, never ticked by hand.

Each task is a question put to the rows that already say it happened, for many members at
once: a message in a group or channel (the activity log), a language or time zone chosen
(the member's row), a question asked (the FAQ's log), an event answered (its RSVPs), a thanks
given (reputation's counters, or the thanks the lifecycle saw that earned nothing because
the giver is new). ``found`` returns when each was first done, where the rows say so.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Collection, Iterator, Sequence
from datetime import datetime

from sqlalchemy import ColumnElement, Executable, func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from core.activity import ActivityEvent
from core.events import EventKind, PlaceKind
from core.features.events.models import Rsvp
from core.features.faq.models import AnswerLog
from core.features.reputation.models import RepStats
from core.members.models import Member

Done = dict[int, datetime]
"""member id → when the task was first done."""
Detector = Callable[[AsyncSession, Sequence[int], datetime], Awaitable[Done]]

CHUNK = 500
"""Member ids per IN (...) list: well under every database's limit on bound parameters."""
COMMUNITY = (PlaceKind.GROUP.value, PlaceKind.CHANNEL.value, PlaceKind.THREAD.value)


def chunks(ids: Sequence[int]) -> Iterator[Sequence[int]]:
    for start in range(0, len(ids), CHUNK):
        yield ids[start : start + CHUNK]


async def _first(
    session: AsyncSession,
    query: Callable[[Sequence[int]], Executable],
    ids: Sequence[int],
) -> Done:
    done: Done = {}
    for part in chunks(ids):
        for member_id, at in await session.execute(query(part)):
            done[member_id] = at
    return done


async def hello(session: AsyncSession, ids: Sequence[int], now: datetime) -> Done:
    return await _first(
        session,
        lambda part: (
            select(ActivityEvent.member_id, func.min(ActivityEvent.at))
            .where(
                ActivityEvent.member_id.in_(part),
                ActivityEvent.kind == EventKind.MESSAGE.value,
                ActivityEvent.place_kind.in_(COMMUNITY),
            )
            .group_by(ActivityEvent.member_id)
        ),
        ids,
    )


async def _true_now(
    session: AsyncSession,
    query: Callable[[Sequence[int]], Executable],
    ids: Sequence[int],
    now: datetime,
) -> Done:
    """For rows that say a thing is so but not since when: it counts from now."""
    done: Done = {}
    for part in chunks(ids):
        done.update(dict.fromkeys((await session.scalars(query(part))).all(), now))
    return done


async def settings(session: AsyncSession, ids: Sequence[int], now: datetime) -> Done:
    """A language or a time zone chosen (the member's row keeps no date)."""
    return await _true_now(
        session,
        lambda part: select(Member.id).where(
            Member.id.in_(part), or_(Member.locale.is_not(None), Member.timezone.is_not(None))
        ),
        ids,
        now,
    )


async def _asked(
    session: AsyncSession, ids: Sequence[int], *conditions: ColumnElement[bool]
) -> Done:
    return await _first(
        session,
        lambda part: (
            select(AnswerLog.member_id, func.min(AnswerLog.asked_at))
            .where(AnswerLog.member_id.in_(part), *conditions)
            .group_by(AnswerLog.member_id)
        ),
        ids,
    )


async def question(session: AsyncSession, ids: Sequence[int], now: datetime) -> Done:
    return await _asked(session, ids)


async def answered_question(session: AsyncSession, ids: Sequence[int]) -> Done:
    """The first question the bot could answer, which activates a newcomer on its own."""
    return await _asked(session, ids, AnswerLog.answered.is_(True))


async def rsvp(session: AsyncSession, ids: Sequence[int], now: datetime) -> Done:
    return await _first(
        session,
        lambda part: (
            select(Rsvp.member_id, func.min(Rsvp.answered_at))
            .where(Rsvp.member_id.in_(part))
            .group_by(Rsvp.member_id)
        ),
        ids,
    )


async def thanks(session: AsyncSession, ids: Sequence[int], now: datetime) -> Done:
    """Thanks that counted; those that did not are written down as they happen (handlers)."""
    return await _true_now(
        session,
        lambda part: select(RepStats.member_id).where(
            RepStats.member_id.in_(part), RepStats.thanks_given > 0
        ),
        ids,
        now,
    )


DETECTORS: dict[str, Detector] = {
    "hello": hello,
    "settings": settings,
    "question": question,
    "rsvp": rsvp,
    "thanks": thanks,
}


async def found(
    session: AsyncSession, tasks: Collection[str], ids: Sequence[int], now: datetime
) -> dict[str, Done]:
    """For each task, the members among ``ids`` who have done it and when."""
    return {task: await DETECTORS[task](session, ids, now) for task in tasks}
