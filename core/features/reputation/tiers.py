"""Tiers: a member's rank by their points, told when it changes, mirrored as a Discord role.

A sweep compares each member's all-time points (the rollup, one indexed row per member) with
the tier they were last told they hold (``RepTier``), so every way points move (thanks, a
moderator, a reset, another feature's ``credit``) is noticed without the ledger calling
back. Moving the tier, the announcement and the role change are one transaction: a restart
neither loses nor repeats them.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import ColumnElement, case, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from core.context import Services
from core.events import Platform, Reply
from core.features.reputation import ledger
from core.features.reputation.models import RepRollup, RepTier
from core.features.reputation.settings import ReputationSettings, Tier
from core.features.tickets.places import staff_root
from core.features.tickets.settings import TicketSettings
from core.members import service as members
from core.members.models import Member
from core.places import configured_place
from core.registry import Registry

BATCH = 500
SWEEP_EVERY = timedelta(seconds=30)

registry = Registry("reputation")


def tier_index(tiers: Sequence[Tier], points: int) -> int:
    """The highest tier whose minimum the points reach (the first tier at worst)."""
    return max((i for i, tier in enumerate(tiers) if points >= tier.min_reputation), default=0)


@dataclass(frozen=True)
class Progress:
    """Where a member stands: their tier, the next one and how far along the way they are."""

    tier: Tier
    index: int
    next: Tier | None
    points: int

    @property
    def to_next(self) -> int:
        return 0 if self.next is None else self.next.min_reputation - self.points

    @property
    def fraction(self) -> float:
        if self.next is None:
            return 1.0
        start, end = self.tier.min_reputation, self.next.min_reputation
        return min(1.0, max(0.0, (self.points - start) / (end - start)))


def progress(tiers: Sequence[Tier], points: int) -> Progress:
    index = tier_index(tiers, points)
    following = tiers[index + 1] if index + 1 < len(tiers) else None
    return Progress(tiers[index], index, following, points)


def _tier_of_points(tiers: Sequence[Tier]) -> ColumnElement[int]:
    """The same choice as ``tier_index``, in SQL, for the sweep to compare in the database."""
    return case(
        *(
            (RepRollup.points >= tier.min_reputation, i)
            for i, tier in reversed(list(enumerate(tiers)))
            if i
        ),
        else_=0,
    )


async def moved(
    session: AsyncSession, tiers: Sequence[Tier], limit: int = BATCH
) -> list[tuple[int, int, int, int]]:
    """Members whose points put them in another tier than they were told: (member, points,
    told tier, tier now)."""
    now_tier = _tier_of_points(tiers)
    told = func.coalesce(RepTier.tier, 0)
    rows = await session.execute(
        select(RepRollup.member_id, RepRollup.points, told, now_tier)
        .outerjoin(RepTier, RepTier.member_id == RepRollup.member_id)
        .where(
            RepRollup.scope == ledger.EVERYWHERE,
            RepRollup.period == ledger.ALL_TIME,
            now_tier != told,
        )
        .limit(limit)
    )
    return [(int(m), int(p), int(was), int(now)) for m, p, was, now in rows]


@registry.sweep("reputation.tiers", every=SWEEP_EVERY)
async def sweep(services: Services, session: AsyncSession) -> int:
    """Tell members whose tier changed, and give them the tier's Discord role."""
    settings = services.settings.section(ReputationSettings)
    if not settings.enabled:
        return 0
    tiers = settings.tiers
    changed = await moved(session, tiers)
    now = services.clock.now()
    for member_id, points, was, tier in changed:
        row = await session.get(RepTier, member_id)
        if row is None:
            session.add(RepTier(member_id=member_id, tier=tier, since=now))
        else:
            row.tier, row.since = tier, now
        key = f"tier:{member_id}:{tier}:{now.isoformat()}"
        await _announce(services, session, member_id, points, tiers, was, tier, key)
        await _sync_role(services, session, member_id, tiers, tier, key)
    await session.flush()
    return len(changed)


async def _announce(
    services: Services,
    session: AsyncSession,
    member_id: int,
    points: int,
    tiers: Sequence[Tier],
    was: int,
    tier: int,
    key: str,
) -> None:
    member = await session.get_one(Member, member_id)
    reply = Reply(
        "reputation/tier_changed",
        {
            "name": member.display_name,
            "points": points,
            "tier": tiers[tier],
            "up": tier > was,
            "next": tiers[tier + 1] if tier + 1 < len(tiers) else None,
        },
    )
    announce = services.settings.section(ReputationSettings).announce_place
    if announce:
        await services.notifier.to_place(session, configured_place(announce), reply, key)
    if members.allows_unasked_dms(member):
        await services.notifier.to_member(session, member_id, reply, f"{key}:dm", unsolicited=True)


async def _sync_role(
    services: Services,
    session: AsyncSession,
    member_id: int,
    tiers: Sequence[Tier],
    tier: int,
    key: str,
) -> None:
    """The tier's role on, every other tier's role off (up or down)."""
    mine = tiers[tier].discord_role_id
    others = [t.discord_role_id for t in tiers if t.discord_role_id and t.discord_role_id != mine]
    if not mine and not others:
        return
    staff = staff_root(services.settings.section(TicketSettings), Platform.DISCORD)
    await services.notifier.change_roles(
        session,
        member_id,
        add=[mine] if mine else [],
        remove=others,
        key=f"{key}:roles",
        report_to=staff,
    )
