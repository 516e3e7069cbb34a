"""The points ledger: one row per change, a balance as their sum, and the rollup beside it.

``credit`` is the one call every feature uses to give points (thanks, solutions, event
attendance, shipped feedback): it appends the row and moves the member's leaderboard totals
in the same transaction. It writes and never commits; the caller's event commits once.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import func, insert, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession

from core.db.base import Base
from core.features.reputation.models import RepEntry, RepRollup

ALL_TIME = "all"
EVERYWHERE = ""


def week_of(at: datetime) -> str:
    monday = at.date() - timedelta(days=at.weekday())
    return f"w{monday.isoformat()}"


def month_of(at: datetime) -> str:
    return f"m{at:%Y-%m}"


def periods(at: datetime) -> tuple[str, ...]:
    return ALL_TIME, week_of(at), month_of(at)


def upsert_into(session: AsyncSession, model: type[Base]) -> sqlite.Insert | postgresql.Insert:
    """An INSERT that can say ON CONFLICT, in the dialect the session speaks."""
    if session.get_bind().dialect.name == "postgresql":
        return postgresql.insert(model)
    return sqlite.insert(model)


@dataclass(frozen=True)
class Credit:
    """``scope``: the server or group the points were earned in, for its own leaderboard."""

    member_id: int
    points: int
    reason: str
    at: datetime
    scope: str = EVERYWHERE
    giver_id: int | None = None
    source: str | None = None
    note: str | None = None


async def credit(session: AsyncSession, change: Credit) -> RepEntry:
    entry = (
        await session.execute(
            insert(RepEntry)
            .values(
                member_id=change.member_id,
                points=change.points,
                reason=change.reason,
                note=change.note,
                scope=change.scope,
                giver_id=change.giver_id,
                source=change.source,
                at=change.at,
            )
            .returning(RepEntry)
        )
    ).scalar_one()
    scopes = {EVERYWHERE, change.scope}
    rows = [
        {"scope": scope, "period": period, "member_id": change.member_id, "points": change.points}
        for scope in scopes
        for period in periods(change.at)
    ]
    upsert = upsert_into(session, RepRollup)
    await session.execute(
        upsert.on_conflict_do_update(
            index_elements=["scope", "period", "member_id"],
            set_={"points": RepRollup.points + upsert.excluded.points},
        ),
        rows,
    )
    return entry


async def credited(session: AsyncSession, source: str) -> RepEntry | None:
    """The latest row that came from ``source``, to give points for one thing once."""
    found: RepEntry | None = await session.scalar(
        select(RepEntry).where(RepEntry.source == source).order_by(RepEntry.id.desc()).limit(1)
    )
    return found


async def balance(session: AsyncSession, member_id: int) -> int:
    total = await session.scalar(
        select(func.coalesce(func.sum(RepEntry.points), 0)).where(RepEntry.member_id == member_id)
    )
    return int(total or 0)


async def history(session: AsyncSession, member_id: int, limit: int) -> Sequence[RepEntry]:
    """The latest rows, newest first."""
    rows = await session.scalars(
        select(RepEntry)
        .where(RepEntry.member_id == member_id)
        .order_by(RepEntry.at.desc(), RepEntry.id.desc())
        .limit(limit)
    )
    return rows.all()


async def credit_once(session: AsyncSession, change: Credit) -> bool:
    """``credit`` unless ``change.source`` was credited before: what other features call
    (an event attended, an idea shipped), so a repeated call gives nothing twice."""
    if change.source is None:
        raise ValueError("credit_once needs a source")
    if await credited(session, change.source) is not None:
        return False
    await credit(session, change)
    return True
