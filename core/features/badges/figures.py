"""A member's figures, the numbers badge rules compare: read from the tables that already
keep them (reputation's ledger rollup and counters, questions, tickets, feedback, events).

Only the figures asked for are read, one query per table, for one member or for many at
once: the sweep reads a hundred thousand members in a few grouped queries rather than a few
queries each.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Select, case, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from core.features.events.models import Rsvp
from core.features.faq.models import AnswerLog
from core.features.feedback.models import FeedbackItem
from core.features.feedback.status import Status
from core.features.reputation.ledger import ALL_TIME, EVERYWHERE
from core.features.reputation.models import RepRollup, RepStats
from core.features.tickets.models import Ticket
from core.members.models import Member

Figures = dict[str, int]

STATS = (
    "messages",
    "topics",
    "replies",
    "thanks_received",
    "thanks_given",
    "solutions",
    "days_active",
    "streak_days",
)
FIGURES = (
    "reputation",
    *STATS,
    "questions_asked",
    "tickets_opened",
    "feedback_submitted",
    "feedback_shipped",
    "events_attended",
    "account_age_days",
)
"""Every figure a rule may name, in the order ``/badges`` and the README list them."""

CHUNK = 900
"""Member ids per ``IN (...)``: under SQLite's smallest limit on bound parameters."""


def _chunks(ids: Sequence[int] | None) -> Iterable[Sequence[int] | None]:
    if ids is None:
        yield None
        return
    for start in range(0, len(ids), CHUNK):
        yield ids[start : start + CHUNK]


def _only(
    query: Select[*tuple[Any, ...]], column: Any, ids: Sequence[int] | None
) -> Select[*tuple[Any, ...]]:
    return query if ids is None else query.where(column.in_(ids))


async def figures_of(
    session: AsyncSession,
    member_ids: Collection[int] | None,
    now: datetime,
    names: Collection[str] = FIGURES,
) -> dict[int, Figures]:
    """``names`` for each member of ``member_ids`` (None: every member), zero where a table
    has nothing for them."""
    ids = None if member_ids is None else sorted(set(member_ids))
    wanted = set(names)
    found: dict[int, Figures] = {}
    for chunk in _chunks(ids):
        query = _only(select(Member.id, Member.created_at), Member.id, chunk)
        for member_id, created_at in await session.execute(query):
            found[member_id] = dict.fromkeys(wanted, 0)
            if "account_age_days" in wanted:
                found[member_id]["account_age_days"] = max(0, (now - created_at).days)
        for read in _reads(chunk, now, wanted):
            for member_id, *values in await session.execute(read.query):
                figures = found.get(member_id)
                if figures is not None:
                    figures.update(
                        (name, int(value or 0))
                        for name, value in zip(read.names, values, strict=True)
                        if name in wanted
                    )
    return found


@dataclass(frozen=True)
class _Read:
    """One query giving ``names``, in order, after each row's member id."""

    names: tuple[str, ...]
    query: Select[*tuple[Any, ...]]


def _reads(ids: Sequence[int] | None, now: datetime, wanted: set[str]) -> list[_Read]:
    reads: list[_Read] = []
    stats = tuple(name for name in STATS if name in wanted)
    if stats:
        recent = RepStats.last_active_day >= now.date() - timedelta(days=1)
        columns = [
            case((recent, RepStats.streak_days), else_=0)
            if name == "streak_days"
            else getattr(RepStats, name)
            for name in stats
        ]
        reads.append(
            _Read(stats, _only(select(RepStats.member_id, *columns), RepStats.member_id, ids))
        )
    if "reputation" in wanted:
        everything = (RepRollup.scope == EVERYWHERE, RepRollup.period == ALL_TIME)
        query = select(RepRollup.member_id, RepRollup.points).where(*everything)
        reads.append(_Read(("reputation",), _only(query, RepRollup.member_id, ids)))
    counted: list[tuple[tuple[str, ...], Any, list[Any]]] = [
        (
            ("questions_asked",),
            AnswerLog.member_id,
            [func.count().filter(AnswerLog.parent_id.is_(None))],
        ),
        (("tickets_opened",), Ticket.member_id, [func.count()]),
        (
            ("feedback_submitted", "feedback_shipped"),
            FeedbackItem.member_id,
            [func.count(), func.count().filter(FeedbackItem.status == Status.COMPLETED.value)],
        ),
        (
            ("events_attended",),
            Rsvp.member_id,
            [func.count().filter(Rsvp.checked_in_at.is_not(None))],
        ),
    ]
    for figure_names, member_column, aggregates in counted:
        if wanted.intersection(figure_names):
            query = _only(select(member_column, *aggregates), member_column, ids)
            reads.append(_Read(figure_names, query.group_by(member_column)))
    return reads
