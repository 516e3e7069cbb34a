"""Support figures for a period, as plain data: the digest and /ticket stats read them.

Only queries: nothing here changes state. Deflection is the FAQ's own measure
(``faq.stats``): answered questions whose members neither escalated to a human (opening a
ticket counts) nor asked again.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from statistics import median

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from core.features.faq import stats as faq_stats
from core.features.tickets.models import ACTIVE, Ticket
from core.features.tickets.settings import PRIORITIES


@dataclass(frozen=True)
class PriorityTimes:
    priority: str
    tickets: int
    median_first_response: timedelta | None
    median_resolution: timedelta | None
    """Time the team had the ticket: waiting on the member is left out, as in the SLA."""


@dataclass(frozen=True)
class ModeratorRating:
    member_id: int
    average: float
    count: int


@dataclass(frozen=True)
class SupportFigures:
    start: datetime
    end: datetime
    opened_per_day: dict[date, int]
    resolved_per_day: dict[date, int]
    backlog: int
    times: tuple[PriorityTimes, ...]
    breached: int
    csat_average: float | None
    csat_distribution: dict[int, int]
    csat_by_moderator: tuple[ModeratorRating, ...]
    faq_settled: int
    """FAQ answers whose follow-up window had closed, so their outcome is known."""
    faq_deflected: int

    @property
    def opened(self) -> int:
        return sum(self.opened_per_day.values())

    @property
    def resolved(self) -> int:
        return sum(self.resolved_per_day.values())

    @property
    def deflection(self) -> float | None:
        """Share of the bot's settled answers that needed no human and no second try."""
        return self.faq_deflected / self.faq_settled if self.faq_settled else None


def _median(values: list[timedelta]) -> timedelta | None:
    return timedelta(seconds=median(v.total_seconds() for v in values)) if values else None


async def support_figures(
    session: AsyncSession, start: datetime, end: datetime, *, now: datetime
) -> SupportFigures:
    """Tickets opened in [start, end) and what became of them by ``now``; the backlog then."""
    opened = list(
        await session.scalars(
            select(Ticket).where(Ticket.created_at >= start, Ticket.created_at < end)
        )
    )
    resolved_at = list(
        await session.scalars(
            select(Ticket.resolved_at).where(Ticket.resolved_at >= start, Ticket.resolved_at < end)
        )
    )
    backlog = len(
        list(
            await session.scalars(
                select(Ticket.id).where(
                    Ticket.status.in_([s.value for s in ACTIVE]), Ticket.created_at < end
                )
            )
        )
    )
    rated = [t for t in opened if t.csat_score is not None]
    scores = [t.csat_score for t in rated if t.csat_score is not None]
    faq = await faq_stats.compute(session, start=start, end=end, now=now)
    return SupportFigures(
        start=start,
        end=end,
        opened_per_day=dict(sorted(Counter(t.created_at.date() for t in opened).items())),
        resolved_per_day=dict(sorted(Counter(r.date() for r in resolved_at if r).items())),
        backlog=backlog,
        times=tuple(_times(opened, priority) for priority in PRIORITIES),
        breached=sum(1 for t in opened if t.breached),
        csat_average=sum(scores) / len(scores) if scores else None,
        csat_distribution={score: scores.count(score) for score in range(1, 6)},
        csat_by_moderator=_by_moderator(rated),
        faq_settled=faq.settled,
        faq_deflected=faq.deflected,
    )


def _times(tickets: list[Ticket], priority: str) -> PriorityTimes:
    mine = [t for t in tickets if t.priority == priority]
    return PriorityTimes(
        priority=priority,
        tickets=len(mine),
        median_first_response=_median(
            [t.first_response_at - t.created_at for t in mine if t.first_response_at]
        ),
        median_resolution=_median(
            [
                t.resolved_at - t.created_at - timedelta(seconds=t.waited_seconds)
                for t in mine
                if t.resolved_at
            ]
        ),
    )


def _by_moderator(rated: list[Ticket]) -> tuple[ModeratorRating, ...]:
    scores: dict[int, list[int]] = {}
    for ticket in rated:
        if ticket.resolved_by is not None and ticket.csat_score is not None:
            scores.setdefault(ticket.resolved_by, []).append(ticket.csat_score)
    return tuple(
        ModeratorRating(member_id, sum(s) / len(s), len(s))
        for member_id, s in sorted(scores.items(), key=lambda item: -len(item[1]))
    )
