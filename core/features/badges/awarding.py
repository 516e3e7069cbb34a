"""Badges given by their rules: on the event that makes a member meet one, and by a sweep.

After every event, the members whose rows it changed (the speaker, whoever they thanked,
whoever's answer was marked) are checked against the rules of the badges they do not hold.
The sweep checks everyone against a badge whose rule is new or changed since its last pass,
and against every rule once a day, for figures that grow with time alone (account age).

A row is written with "insert, or nothing if it exists", so an event and the sweep meeting
on the same member give the badge once and neither fails.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Session

from core.events import Place, Reply
from core.features.badges.figures import figures_of
from core.features.badges.models import BadgeRuleSwept, MemberBadge
from core.features.badges.service import BadgesService
from core.features.badges.settings import Badge
from core.members.models import Member
from core.places import configured_place

TOUCHED = "badges.touched"
"""Where a session keeps the ids of members whose rows it flushed."""
RESWEEP = timedelta(days=1)
SWEEP_POSTS = 10
"""A sweep that gives one badge to more members than this says so in one post, not many."""


def note_members(session: Session, _context: object) -> None:
    """``after_flush``: remember every member whose row this session wrote."""
    touched: set[int] = session.info.setdefault(TOUCHED, set())
    for row in (*session.new, *session.dirty):
        member_id = getattr(row, "member_id", None)
        if isinstance(member_id, int):
            touched.add(member_id)


async def _give(
    session: AsyncSession, pairs: Sequence[tuple[int, Badge]], at: datetime
) -> list[tuple[int, Badge]]:
    """Write the rows; the pairs that were new."""
    dialect = postgresql if session.get_bind().dialect.name == "postgresql" else sqlite
    given: list[tuple[int, Badge]] = []
    by_id = {badge.id: badge for _, badge in pairs}
    for start in range(0, len(pairs), 500):
        rows: list[dict[str, object]] = [
            {"member_id": member_id, "badge_id": badge.id, "earned_at": at}
            for member_id, badge in pairs[start : start + 500]
        ]
        new_only = (
            dialect.insert(MemberBadge)
            .values(rows)
            .on_conflict_do_nothing(index_elements=["member_id", "badge_id"])
            .returning(MemberBadge.member_id, MemberBadge.badge_id)
        )
        written = await session.execute(new_only)
        given.extend((member_id, by_id[badge_id]) for member_id, badge_id in written)
    return given


async def check(
    service: BadgesService,
    session: AsyncSession,
    member_ids: Collection[int],
    at: datetime,
    place: Place | None,
) -> int:
    """Give ``member_ids`` every rule badge they now meet and never held; how many."""
    ruled = service.settings.ruled()
    if not ruled or not member_ids:
        return 0
    held = set(
        await session.execute(
            select(MemberBadge.member_id, MemberBadge.badge_id).where(
                MemberBadge.member_id.in_(member_ids)
            )
        )
    )
    pending = {
        member_id: [b for b in ruled if (member_id, b.id) not in held] for member_id in member_ids
    }
    needed = {name for badges in pending.values() for b in badges for name in _reads(b)}
    if not needed:
        return 0
    figures = await figures_of(session, [m for m, b in pending.items() if b], at, needed)
    met = [
        (member_id, badge)
        for member_id, badges in pending.items()
        for badge in badges
        if member_id in figures and _meets(badge, figures[member_id])
    ]
    given = await _give(session, met, at) if met else []
    for member_id, badge in given:
        await service.announce(session, member_id, badge, place)
    return len(given)


def _reads(badge: Badge) -> frozenset[str]:
    return badge.parsed.figures if badge.parsed is not None else frozenset()


def _meets(badge: Badge, figures: dict[str, int]) -> bool:
    return badge.parsed is not None and badge.parsed.holds(figures)


async def sweep(service: BadgesService, session: AsyncSession, now: datetime) -> int:
    """Give every rule badge whose rule is new, changed or a day old to all who meet it."""
    swept = {row.badge_id: row for row in await session.scalars(select(BadgeRuleSwept))}
    due = [
        badge
        for badge in service.settings.ruled()
        if badge.id not in swept
        or swept[badge.id].rule != badge.rule
        or swept[badge.id].swept_at <= now - RESWEEP
    ]
    if not due:
        return 0
    held = set(
        await session.execute(
            select(MemberBadge.member_id, MemberBadge.badge_id).where(
                MemberBadge.badge_id.in_([b.id for b in due])
            )
        )
    )
    everyone = await figures_of(session, None, now, {n for b in due for n in _reads(b)})
    met = [
        (member_id, badge)
        for member_id, figures in everyone.items()
        for badge in due
        if (member_id, badge.id) not in held and _meets(badge, figures)
    ]
    given = await _give(session, met, now) if met else []
    await _tell(service, session, given)
    for badge in due:
        row = swept.get(badge.id)
        if row is None:
            session.add(BadgeRuleSwept(badge_id=badge.id, rule=badge.rule, swept_at=now))
        else:
            row.rule, row.swept_at = badge.rule, now
    return len(given)


async def _tell(
    service: BadgesService, session: AsyncSession, given: Sequence[tuple[int, Badge]]
) -> None:
    """DM each new holder; post each in the announce place, or one post per badge when many
    earned it at once (a new rule), so the place is not flooded."""
    for start in range(0, len(given), 900):
        ids = [member_id for member_id, _ in given[start : start + 900]]
        await session.scalars(select(Member).where(Member.id.in_(ids)))
    per_badge: dict[str, list[int]] = {}
    for member_id, badge in given:
        per_badge.setdefault(badge.id, []).append(member_id)
    configured = service.reputation.announce_place
    for badge_id, holders in per_badge.items():
        badge = next(b for _, b in given if b.id == badge_id)
        many = len(holders) > SWEEP_POSTS
        for member_id in holders:
            await service.announce(session, member_id, badge, None, post=not many)
        if many and configured:
            await service.notifier.to_place(
                session,
                configured_place(configured),
                Reply("badges/earned_many", {"badge": badge, "count": len(holders)}),
                f"badges:{badge.id}:many:{min(holders)}:{len(holders)}",
            )
