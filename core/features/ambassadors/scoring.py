"""Who should be invited: members above ``min_reputation``, ranked by a score of recent help.

The score, over the last 90 days (``WINDOW``)::

    points earned + 20 × solutions + 10 × distinct members who thanked them
                  + 10 × weeks in which they earned points

Points count what the ledger says, so anti-farming already applies; solutions and distinct
thankers reward helping many people rather than a few friends; weeks reward steadiness over a
burst. A member a moderator took points from in those 90 days is left out: a candidate has
no points removed by moderators. Current ambassadors are left out too.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TypeVar

from sqlalchemy import Select, distinct, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from core.features.ambassadors.models import ACTIVE, INVITED, Ambassador
from core.features.reputation.farming import THANKS_REASONS
from core.features.reputation.ledger import ALL_TIME, EVERYWHERE, week_of
from core.features.reputation.models import RepEntry, RepRollup
from core.members.models import Member

WINDOW = timedelta(days=90)
T = TypeVar("T")
SOLUTION_WEIGHT = 20
THANKER_WEIGHT = 10
WEEK_WEIGHT = 10


@dataclass(frozen=True)
class Candidate:
    member_id: int
    name: str
    balance: int
    points: int
    solutions: int
    thankers: int
    weeks: int
    invited: bool

    @property
    def score(self) -> int:
        return (
            self.points
            + SOLUTION_WEIGHT * self.solutions
            + THANKER_WEIGHT * self.thankers
            + WEEK_WEIGHT * self.weeks
        )


async def candidates(
    session: AsyncSession, min_reputation: int, now: datetime, limit: int
) -> Sequence[Candidate]:
    """The best ``limit`` candidates, highest score first (then the higher balance)."""
    since = now - WINDOW
    balances = await _pairs(
        session,
        select(RepRollup.member_id, RepRollup.points).where(
            RepRollup.scope == EVERYWHERE,
            RepRollup.period == ALL_TIME,
            RepRollup.points >= min_reputation,
        ),
    )
    statuses = await _pairs(
        session,
        select(Ambassador.member_id, Ambassador.status).where(Ambassador.member_id.in_(balances)),
    )
    ids = [m for m in balances if m is not None and statuses.get(m) != ACTIVE]
    recent = (RepEntry.member_id.in_(ids), RepEntry.at > since)
    removed = set(
        await session.scalars(
            select(RepEntry.member_id).where(
                *recent, RepEntry.reason == "moderator", RepEntry.points < 0
            )
        )
    )
    by_member = RepEntry.member_id
    points = await _pairs(
        session, select(by_member, func.sum(RepEntry.points)).where(*recent).group_by(by_member)
    )
    solutions = await _pairs(
        session,
        select(by_member, func.count(RepEntry.id))
        .where(*recent, RepEntry.reason == "solution", RepEntry.points > 0)
        .group_by(by_member),
    )
    thankers = await _pairs(
        session,
        select(by_member, func.count(distinct(RepEntry.giver_id)))
        .where(*recent, RepEntry.reason.in_(THANKS_REASONS), RepEntry.points > 0)
        .group_by(by_member),
    )
    weeks = await _pairs(
        session,
        select(RepRollup.member_id, func.count())
        .where(
            RepRollup.member_id.in_(ids),
            RepRollup.scope == EVERYWHERE,
            RepRollup.period.like("w%"),
            RepRollup.period >= week_of(since),
            RepRollup.points > 0,
        )
        .group_by(RepRollup.member_id),
    )
    names = await _pairs(session, select(Member.id, Member.display_name).where(Member.id.in_(ids)))
    found = [
        Candidate(
            member_id=m,
            name=names.get(m, str(m)),
            balance=balances[m],
            points=points.get(m, 0),
            solutions=solutions.get(m, 0),
            thankers=thankers.get(m, 0),
            weeks=weeks.get(m, 0),
            invited=statuses.get(m) == INVITED,
        )
        for m in ids
        if m not in removed
    ]
    found.sort(key=lambda c: (-c.score, -c.balance, c.member_id))
    return found[:limit]


async def _pairs(session: AsyncSession, query: Select[int | None, T]) -> dict[int | None, T]:
    """Keyed by member; a forgotten member's ledger rows (no member) are under None."""
    return {key: value for key, value in await session.execute(query)}
