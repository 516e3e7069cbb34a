"""Ambassadors in chat: moderators rank, invite, list and remove; the invited member answers
with a button; sweeps tell the staff place the week's candidates and the month's quiet
ambassadors, each once (the outbox key names the week or month)."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy.ext.asyncio import AsyncSession

from core.context import Context, Services
from core.events import Button, Place, Reply, Role, Visibility
from core.features.ambassadors import programme, scoring
from core.features.ambassadors.programme import Answer
from core.features.ambassadors.settings import AmbassadorsSettings
from core.features.badges.service import BadgesService
from core.features.reputation.handlers import NAME, who
from core.features.reputation.ledger import month_of, week_of
from core.features.tickets.chat import member_named
from core.features.tickets.settings import TicketSettings
from core.i18n import N_
from core.places import configured_place
from core.registry import Registry

registry = Registry("ambassadors")

ACCEPT, DECLINE = "ambassador_accept", "ambassador_decline"
BADGE = "ambassador"


def _private(template: str, **context: object) -> Reply:
    return Reply(f"ambassadors/{template}", context, visibility=Visibility.PRIVATE)


def staff_places(services: Services) -> list[Place]:
    settings = services.settings
    own = settings.section(AmbassadorsSettings).staff_places
    return [configured_place(p) for p in own or settings.section(TicketSettings).staff_places]


@registry.command("ambassador candidates", min_role=Role.MODERATOR)
async def show_candidates(ctx: Context) -> Reply:
    """Members above the ambassador threshold, best first, with the figures behind the score."""
    settings = ctx.services.settings.section(AmbassadorsSettings)
    found = await scoring.candidates(
        ctx.session, settings.min_reputation, ctx.now, settings.candidates_shown
    )
    return _private(
        "candidates", candidates=found, min_reputation=settings.min_reputation, weekly=False
    )


@registry.command("ambassador invite", NAME, min_role=Role.MODERATOR)
async def invite(ctx: Context, name: str) -> Reply:
    """Invite a member to become an ambassador: they get a DM with the perks and two buttons."""
    member = await member_named(ctx, name)
    if member is None:
        return who(name)
    outcome = await programme.invite(ctx.session, member.id, ctx.member.id, ctx.now)
    sent = False
    if outcome is Answer.DONE:
        invitation = Reply(
            "ambassadors/invitation",
            {"perks": ctx.services.settings.section(AmbassadorsSettings).perks},
            buttons=(
                Button(ACCEPT, str(member.id), label_key=N_("✅ Accept")),
                Button(DECLINE, str(member.id), label_key=N_("Decline")),
            ),
        )
        key = f"ambassadors:invite:{member.id}:{ctx.event.event_id}"
        sent = await ctx.services.notifier.to_member(ctx.session, member.id, invitation, key)
    return _private("invited", name=member.display_name, outcome=outcome.value, sent=sent)


@registry.action(ACCEPT)
async def accept(ctx: Context, arg: str) -> Reply:
    return await _answer(ctx, arg, accept=True)


@registry.action(DECLINE)
async def decline(ctx: Context, arg: str) -> Reply:
    return await _answer(ctx, arg, accept=False)


async def _answer(ctx: Context, arg: str, *, accept: bool) -> Reply:
    if arg != str(ctx.member.id):
        return _private("not_yours")
    outcome = await programme.answer(ctx.session, ctx.member.id, accept, ctx.now)
    if outcome is Answer.DONE and accept:
        await ctx.services.get(BadgesService).award(ctx.session, ctx.member.id, BADGE, at=ctx.now)
        await _set_role(ctx, give=True)
        for place in staff_places(ctx.services):
            note = Reply("ambassadors/accepted_staff", {"name": ctx.member.display_name})
            key = f"ambassadors:accepted:{ctx.member.id}:{ctx.event.event_id}:{place.chat_id}"
            await ctx.services.notifier.to_place(ctx.session, place, note, key)
    return _private("answered", accept=accept, outcome=outcome.value, since=ctx.now)


async def _set_role(ctx: Context, *, give: bool, member_id: int | None = None) -> None:
    role = ctx.services.settings.section(AmbassadorsSettings).discord_role_id
    if not role:
        return
    who_ = ctx.member.id if member_id is None else member_id
    places = staff_places(ctx.services)
    await ctx.services.notifier.change_roles(
        ctx.session,
        who_,
        add=[role] if give else [],
        remove=[] if give else [role],
        key=f"ambassadors:role:{who_}:{ctx.event.event_id}",
        report_to=places[0] if places else None,
    )


@registry.command("ambassador list", min_role=Role.MODERATOR)
async def show_list(ctx: Context) -> Reply:
    """The current ambassadors and since when."""
    return _private("list", ambassadors=await programme.active(ctx.session))


@registry.command("ambassador remove", NAME, min_role=Role.MODERATOR)
async def remove(ctx: Context, name: str) -> Reply:
    """End a member's time as an ambassador: the badge and the Discord role go."""
    member = await member_named(ctx, name)
    if member is None:
        return who(name)
    removed = await programme.remove(ctx.session, member.id, ctx.now)
    if removed:
        await ctx.services.get(BadgesService).take(
            ctx.session, member.id, BADGE, at=ctx.now, by=ctx.member.id
        )
        await _set_role(ctx, give=False, member_id=member.id)
    return _private("removed", name=member.display_name, removed=removed)


@registry.sweep("ambassadors.candidates", every=timedelta(hours=1))
async def weekly_candidates(services: Services, session: AsyncSession) -> int:
    """The week's candidates to the staff place, once a week (the key names the week)."""
    now = services.clock.now()
    settings = services.settings.section(AmbassadorsSettings)
    found = await scoring.candidates(
        session, settings.min_reputation, now, settings.candidates_shown
    )
    if not found:
        return 0
    reply = Reply(
        "ambassadors/candidates",
        {"candidates": found, "min_reputation": settings.min_reputation, "weekly": True},
    )
    return await _to_staff(services, session, reply, f"ambassadors:candidates:{week_of(now)}")


@registry.sweep("ambassadors.inactive", every=timedelta(hours=1))
async def monthly_inactive(services: Services, session: AsyncSession) -> int:
    """Ambassadors quiet for ``inactive_days``, to the staff place once a month."""
    now = services.clock.now()
    days = services.settings.section(AmbassadorsSettings).inactive_days
    quiet = await programme.inactive(session, now, days)
    if not quiet:
        return 0
    reply = Reply("ambassadors/inactive", {"ambassadors": quiet, "days": days})
    return await _to_staff(services, session, reply, f"ambassadors:inactive:{month_of(now)}")


async def _to_staff(services: Services, session: AsyncSession, reply: Reply, key: str) -> int:
    queued = 0
    for place in staff_places(services):
        queued += await services.notifier.to_place(session, place, reply, f"{key}:{place.chat_id}")
    return queued
