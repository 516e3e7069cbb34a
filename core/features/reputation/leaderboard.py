"""Leaderboards from the rollup: a page and one member's position, read from the index on
(scope, period, points, member_id) instead of summing the ledger.

Ties go to the later member id, the index's own order, so a page and a position agree.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import and_, func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from core.features.reputation import ledger
from core.features.reputation.models import RepRollup

PAGE_SIZE = 10
PERIODS = ("week", "month", "all")


def period_key(period: str, now: datetime) -> str:
    """``week``, ``month`` or ``all`` as the rollup names it today ("w2026-11-30", "m2026-12")."""
    if period == "week":
        return ledger.week_of(now)
    if period == "month":
        return ledger.month_of(now)
    return ledger.ALL_TIME


@dataclass(frozen=True)
class Row:
    position: int
    member_id: int
    points: int


def _board(scope: str, period: str) -> list[object]:
    return [RepRollup.scope == scope, RepRollup.period == period]


async def page(session: AsyncSession, scope: str, period: str, number: int) -> list[Row]:
    """Page ``number`` (from 1) of ``PAGE_SIZE`` rows, best first."""
    offset = (max(1, number) - 1) * PAGE_SIZE
    rows = await session.execute(
        select(RepRollup.member_id, RepRollup.points)
        .where(*_board(scope, period))  # type: ignore[arg-type]
        .order_by(RepRollup.points.desc(), RepRollup.member_id.desc())
        .offset(offset)
        .limit(PAGE_SIZE)
    )
    return [Row(offset + n, int(m), int(p)) for n, (m, p) in enumerate(rows, 1)]


async def size(session: AsyncSession, scope: str, period: str) -> int:
    found = await session.scalar(
        select(func.count()).select_from(RepRollup).where(*_board(scope, period))  # type: ignore[arg-type]
    )
    return int(found or 0)


async def position(session: AsyncSession, scope: str, period: str, member_id: int) -> Row | None:
    """Where the member stands on this board; None if they have no points there."""
    points = await session.scalar(
        select(RepRollup.points).where(
            *_board(scope, period),  # type: ignore[arg-type]
            RepRollup.member_id == member_id,
        )
    )
    if points is None:
        return None
    ahead = await session.scalar(
        select(func.count())
        .select_from(RepRollup)
        .where(
            *_board(scope, period),  # type: ignore[arg-type]
            or_(
                RepRollup.points > points,
                and_(RepRollup.points == points, RepRollup.member_id > member_id),
            ),
        )
    )
    return Row(int(ahead or 0) + 1, member_id, int(points))
