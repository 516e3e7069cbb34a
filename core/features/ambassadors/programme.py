"""The programme's state changes: invite, accept, decline, remove, and who has gone quiet.

Each works in the caller's session and never commits. Accepting twice, declining twice or
accepting after declining changes nothing and says what already happened, so a button
pressed twice has no second effect.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from core.features.ambassadors.models import ACTIVE, DECLINED, INVITED, REMOVED, Ambassador
from core.members.models import Member


class Answer(StrEnum):
    DONE = "done"
    ALREADY_ACTIVE = "already_active"
    ALREADY_DECLINED = "already_declined"
    NOT_INVITED = "not_invited"


async def invite(session: AsyncSession, member_id: int, by: int, now: datetime) -> Answer:
    """A new invitation (again after a decline or a removal); not to a current ambassador."""
    row = await session.get(Ambassador, member_id)
    if row is not None and row.status == ACTIVE:
        return Answer.ALREADY_ACTIVE
    if row is None:
        row = Ambassador(member_id=member_id, status=INVITED, invited_at=now)
        session.add(row)
    row.status, row.invited_at, row.invited_by = INVITED, now, by
    row.answered_at = row.since = row.removed_at = None
    await session.flush()
    return Answer.DONE


async def answer(session: AsyncSession, member_id: int, accept: bool, now: datetime) -> Answer:
    row = await session.get(Ambassador, member_id)
    if row is None or row.status == REMOVED:
        return Answer.NOT_INVITED
    if row.status == ACTIVE:
        return Answer.ALREADY_ACTIVE
    if row.status == DECLINED:
        return Answer.ALREADY_DECLINED
    row.status, row.answered_at = (ACTIVE if accept else DECLINED), now
    if accept:
        row.since = now
    await session.flush()
    return Answer.DONE


async def remove(session: AsyncSession, member_id: int, now: datetime) -> bool:
    row = await session.get(Ambassador, member_id)
    if row is None or row.status != ACTIVE:
        return False
    row.status, row.removed_at = REMOVED, now
    await session.flush()
    return True


@dataclass(frozen=True)
class Listed:
    member_id: int
    name: str
    since: datetime
    last_seen: datetime


async def active(session: AsyncSession) -> Sequence[Listed]:
    """Current ambassadors, longest-serving first."""
    rows = await session.execute(
        select(Ambassador.member_id, Member.display_name, Ambassador.since, Member.last_seen_at)
        .join(Member, Member.id == Ambassador.member_id)
        .where(Ambassador.status == ACTIVE)
        .order_by(Ambassador.since, Ambassador.member_id)
    )
    return [Listed(m, name, since or seen, seen) for m, name, since, seen in rows]


async def inactive(session: AsyncSession, now: datetime, days: int) -> Sequence[Listed]:
    """Ambassadors not seen anywhere for ``days`` days."""
    quiet = now - timedelta(days=days)
    return [a for a in await active(session) if a.last_seen <= quiet]
