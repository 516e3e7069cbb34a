"""Badges in chat: given after any event that makes a rule true, shown with ``/badges``,
given and taken by moderators, and swept when rules change."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import event
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Session

from core.context import Context, Services
from core.events import Reply, Role, Visibility
from core.features.badges import awarding
from core.features.badges.service import BadgesService
from core.features.reputation.handlers import NAME, OPTIONAL_NAME, who
from core.features.tickets.chat import member_named
from core.registry import ArgSpec, ArgType, Registry

registry = Registry("badges")

BADGE = ArgSpec("badge", ArgType.WORD, autocomplete="badge_ids", description="a badge's id")
NEAREST = 3
"""Unearned badges ``/badges`` shows with the progress towards them."""

event.listen(Session, "after_flush", awarding.note_members)


def badge_ids(services: Services, typed: str, locale: str) -> list[str]:
    badges = services.get(BadgesService).settings.all()
    return [b.id for b in badges if b.id.startswith(typed.strip().lower())]


@registry.after_every_event
async def award_by_rules(ctx: Context) -> None:
    touched: set[int] = ctx.session.info.pop(awarding.TOUCHED, set())
    touched.add(ctx.member.id)
    place = None if ctx.place.is_dm else ctx.place
    await awarding.check(ctx.services.get(BadgesService), ctx.session, touched, ctx.now, place)


@registry.sweep("badges", every=timedelta(minutes=10))
async def sweep_rules(services: Services, session: AsyncSession) -> int:
    return await awarding.sweep(services.get(BadgesService), session, services.clock.now())


@registry.command("badges", OPTIONAL_NAME)
async def show_badges(ctx: Context, name: str = "") -> Reply:
    """Your badges (or a member's), and how near the next ones are."""
    member = await member_named(ctx, name) if name else ctx.member
    if member is None:
        return who(name)
    service = ctx.services.get(BadgesService)
    earned = await service.earned(ctx.session, member.id)
    held = {e.badge.id for e in earned}
    figures = await service.figures(ctx.session, member.id, ctx.now)
    nearest = service.nearest(held, figures, NEAREST)
    return Reply(
        "badges/list",
        {
            "name": member.display_name,
            "yours": member.id == ctx.member.id,
            "earned": earned,
            "nearest": [{"badge": badge, "steps": steps} for badge, steps in nearest],
        },
        visibility=Visibility.PRIVATE,
    )


async def _by_hand(ctx: Context, name: str, badge_id: str, give: bool) -> Reply:
    service = ctx.services.get(BadgesService)
    member = await member_named(ctx, name)
    if member is None:
        return who(name)
    badge = service.badge(badge_id.strip().lower())
    if badge is None:
        return Reply(
            "badges/unknown",
            {"badge": badge_id, "known": [b.id for b in service.settings.all()]},
            visibility=Visibility.PRIVATE,
        )
    if give:
        done = await service.award(
            ctx.session,
            member.id,
            badge.id,
            at=ctx.now,
            by=ctx.member.id,
            place=None if ctx.place.is_dm else ctx.place,
        )
    else:
        done = await service.take(ctx.session, member.id, badge.id, at=ctx.now, by=ctx.member.id)
    return Reply(
        "badges/by_hand",
        {"give": give, "done": done, "badge": badge, "name": member.display_name},
        visibility=Visibility.PRIVATE,
    )


@registry.command("badge give", NAME, BADGE, min_role=Role.MODERATOR)
async def badge_give(ctx: Context, name: str, badge: str) -> Reply:
    """Give a member a badge by hand."""
    return await _by_hand(ctx, name, badge, True)


@registry.command("badge take", NAME, BADGE, min_role=Role.MODERATOR)
async def badge_take(ctx: Context, name: str, badge: str) -> Reply:
    """Take a badge back from a member; its rule will not give it again."""
    return await _by_hand(ctx, name, badge, False)
