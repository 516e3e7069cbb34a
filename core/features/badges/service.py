"""Badges for other features: give one, read who holds what, read a member's figures.

``BadgesService`` is what ``services.get(BadgesService)`` returns. Ambassadors and the
welcome call ``award`` for the badges no rule gives (``ambassador``, ``onboarded``); the
rank card shows ``earned``; ambassadors, analytics and win-back read ``figures``. Everything
here works in the caller's session and never commits.

A badge is held once: giving it again does nothing, and a badge a moderator took back is
not given again by its rule (only by hand). Each new holder is announced once, in
``[reputation] announce_place`` or where they earned it, and by DM unless they opted out of
unasked messages; both go through the outbox with a key naming member and badge.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from core.events import Place, Reply
from core.features.badges.figures import FIGURES, Figures, figures_of
from core.features.badges.models import MemberBadge
from core.features.badges.rules import Step, progress
from core.features.badges.settings import Badge, BadgesSettings
from core.features.reputation.settings import ReputationSettings
from core.members.models import Member
from core.notifier import Notifier
from core.places import configured_place
from core.settings import Settings


@dataclass(frozen=True)
class Earned:
    badge: Badge
    earned_at: datetime
    given_by: int | None


class BadgesService:
    def __init__(self, settings: Settings, notifier: Notifier) -> None:
        self._settings = settings
        self.notifier = notifier

    @property
    def settings(self) -> BadgesSettings:
        return self._settings.section(BadgesSettings)

    @property
    def reputation(self) -> ReputationSettings:
        return self._settings.section(ReputationSettings)

    def badge(self, badge_id: str) -> Badge | None:
        """A badge by its id, configured or built in."""
        return self.settings.find(badge_id)

    async def figures(self, session: AsyncSession, member_id: int, now: datetime) -> Figures:
        """Every figure of one member (see ``figures.FIGURES``)."""
        return (await figures_of(session, [member_id], now)).get(
            member_id, dict.fromkeys(FIGURES, 0)
        )

    async def figures_of(
        self,
        session: AsyncSession,
        member_ids: Collection[int],
        now: datetime,
        names: Collection[str] = FIGURES,
    ) -> dict[int, Figures]:
        """``names`` for many members at once, a few queries in all."""
        return await figures_of(session, member_ids, now, names)

    def nearest(
        self, held: Collection[str], figures: Figures, count: int
    ) -> list[tuple[Badge, list[Step]]]:
        """The ``count`` ruled badges not ``held`` that ``figures`` come nearest to, with the
        steps left: what /badges shows and what win-back names as within reach."""
        ranked = sorted(
            (
                (share, steps, badge)
                for badge in self.settings.ruled()
                if badge.id not in held and badge.parsed is not None
                for share, steps in [progress(badge.parsed, figures)]
            ),
            key=lambda found: -found[0],
        )
        return [(badge, steps) for _, steps, badge in ranked[:count]]

    async def earned(self, session: AsyncSession, member_id: int) -> list[Earned]:
        """The badges a member holds, newest first (badges no longer configured left out)."""
        rows = await session.scalars(
            select(MemberBadge)
            .where(MemberBadge.member_id == member_id, MemberBadge.taken_at.is_(None))
            .order_by(MemberBadge.earned_at.desc(), MemberBadge.id.desc())
        )
        found = []
        for row in rows:
            badge = self.badge(row.badge_id)
            if badge is not None:
                found.append(Earned(badge, row.earned_at, row.given_by))
        return found

    async def award(
        self,
        session: AsyncSession,
        member_id: int,
        badge_id: str,
        *,
        at: datetime,
        by: int | None = None,
        place: Place | None = None,
    ) -> bool:
        """Give ``badge_id`` (a badge taken back before comes back); False when the member
        already holds it. ``by``: the moderator giving it by hand; ``place``: where it was
        earned, for the announcement when no ``announce_place`` is set.

        Raises LookupError for a badge nobody declared."""
        badge = self.badge(badge_id)
        if badge is None:
            raise LookupError(f"no badge {badge_id!r}")
        row = await session.scalar(
            select(MemberBadge).where(
                MemberBadge.member_id == member_id, MemberBadge.badge_id == badge_id
            )
        )
        if row is not None and row.taken_at is None:
            return False
        if row is None:
            session.add(
                MemberBadge(member_id=member_id, badge_id=badge_id, earned_at=at, given_by=by)
            )
        else:
            row.taken_at, row.taken_by, row.earned_at, row.given_by = None, None, at, by
        await session.flush()
        await self.announce(session, member_id, badge, place)
        return True

    async def take(
        self, session: AsyncSession, member_id: int, badge_id: str, *, at: datetime, by: int | None
    ) -> bool:
        """Take a badge back; False when the member does not hold it."""
        row = await session.scalar(
            select(MemberBadge).where(
                MemberBadge.member_id == member_id,
                MemberBadge.badge_id == badge_id,
                MemberBadge.taken_at.is_(None),
            )
        )
        if row is None:
            return False
        row.taken_at, row.taken_by = at, by
        await session.flush()
        return True

    async def announce(
        self,
        session: AsyncSession,
        member_id: int,
        badge: Badge,
        place: Place | None,
        *,
        post: bool = True,
    ) -> None:
        """Once per member and badge, whatever happens later: by DM, and unless ``post`` is
        False in the announce place (or where it was earned)."""
        configured = self.reputation.announce_place
        where = configured_place(configured) if configured else place
        key = f"badge:{member_id}:{badge.id}"
        if post and where is not None and not where.is_dm:
            member = await session.get_one(Member, member_id)
            news = Reply("badges/earned", {"badge": badge, "name": member.display_name})
            await self.notifier.to_place(session, where, news, f"{key}:post")
        dm = Reply("badges/earned", {"badge": badge, "name": None})
        await self.notifier.to_member(session, member_id, dm, f"{key}:dm", unsolicited=True)
