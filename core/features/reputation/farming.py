"""Whether a thanks counts: the anti-farming rules, each a query over the ledger.

A thanks is any member-to-member gift of points: a thank-you message, a 👍 ❤️ 🙏 reaction,
``/rep give``. It earns nothing when it is to oneself; when the giver is new (first seen
under ``min_account_days`` ago or fewer than ``min_messages_to_give`` messages); when the same
giver thanked the same receiver within ``pair_hours``; past the giver's
``max_thanks_given_per_day`` in the last 24 hours; or when it would make a ring (A and B
thanking each other, or A→B→C→A) carry more than ``ring_max_thanks`` counted thanks within
``ring_days``. A ring stopped that way is written down as evidence for moderators.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from enum import StrEnum

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased

from core.features.reputation.models import RepEntry, RepRingHit, RepStats
from core.features.reputation.settings import ReputationSettings
from core.members.models import Member

THANKS_REASONS = ("thanks", "reaction", "give")
DAY = timedelta(days=1)


class Verdict(StrEnum):
    COUNTED = "counted"
    SELF = "self"
    NEW_GIVER = "new_giver"
    PAIR = "pair"
    GIVER_CAP = "giver_cap"
    RING = "ring"


def _thanks(since: datetime) -> list[object]:
    return [
        RepEntry.reason.in_(THANKS_REASONS),
        RepEntry.points > 0,
        RepEntry.at > since,
    ]


async def _count(session: AsyncSession, *conditions: object) -> int:
    found = await session.scalar(select(func.count(RepEntry.id)).where(*conditions))  # type: ignore[arg-type]
    return int(found or 0)


async def judge(
    session: AsyncSession,
    settings: ReputationSettings,
    giver_id: int,
    receiver_id: int,
    now: datetime,
) -> Verdict:
    if giver_id == receiver_id:
        return Verdict.SELF
    if not await _may_give(session, settings, giver_id, now):
        return Verdict.NEW_GIVER
    pair = timedelta(hours=settings.pair_hours)
    edge = (RepEntry.giver_id == giver_id, RepEntry.member_id == receiver_id)
    if await _count(session, *edge, *_thanks(now - pair)):
        return Verdict.PAIR
    if await _count(session, RepEntry.giver_id == giver_id, *_thanks(now - DAY)) >= (
        settings.max_thanks_given_per_day
    ):
        return Verdict.GIVER_CAP
    ring = await _ring_over_limit(session, settings, giver_id, receiver_id, now)
    if ring is not None:
        session.add(RepRingHit(ring=ring, giver_id=giver_id, receiver_id=receiver_id, at=now))
        return Verdict.RING
    return Verdict.COUNTED


async def _may_give(
    session: AsyncSession, settings: ReputationSettings, giver_id: int, now: datetime
) -> bool:
    member = await session.get_one(Member, giver_id)
    if member.created_at > now - timedelta(days=settings.min_account_days):
        return False
    messages = await session.scalar(select(RepStats.messages).where(RepStats.member_id == giver_id))
    return (messages or 0) >= settings.min_messages_to_give


async def _ring_over_limit(
    session: AsyncSession,
    settings: ReputationSettings,
    giver_id: int,
    receiver_id: int,
    now: datetime,
) -> str | None:
    """The ring this thanks would push past the limit, as "giver>receiver[>third]"."""
    since = now - timedelta(days=settings.ring_days)

    async def edge(source: int, target: int) -> int:
        return await _count(
            session, RepEntry.giver_id == source, RepEntry.member_id == target, *_thanks(since)
        )

    forward = await edge(giver_id, receiver_id)
    back = await edge(receiver_id, giver_id)
    if back and forward + back + 1 > settings.ring_max_thanks:
        return f"{giver_id}>{receiver_id}"
    onward, closing = aliased(RepEntry), aliased(RepEntry)
    thirds = await session.execute(
        select(onward.member_id, func.count(func.distinct(onward.id)))
        .join(closing, closing.giver_id == onward.member_id)
        .where(
            onward.giver_id == receiver_id,
            onward.reason.in_(THANKS_REASONS),
            onward.points > 0,
            onward.at > since,
            closing.member_id == giver_id,
            closing.reason.in_(THANKS_REASONS),
            closing.points > 0,
            closing.at > since,
            onward.member_id != giver_id,
        )
        .group_by(onward.member_id)
    )
    for third, onward_count in thirds:
        if third is None:  # thanks to a forgotten member
            continue
        total = forward + onward_count + await edge(third, giver_id) + 1
        if total > settings.ring_max_thanks:
            return f"{giver_id}>{receiver_id}>{third}"
    return None
