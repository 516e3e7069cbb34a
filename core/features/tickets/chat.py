"""What the ticket handlers share: the registry, finding "the ticket meant", names to show."""

from __future__ import annotations

import re
from datetime import timedelta

from sqlalchemy import func, select

from core.context import Context
from core.events import Reply, Role, Visibility
from core.features.tickets import lookup, service
from core.features.tickets.models import Ticket
from core.features.tickets.settings import TicketSettings
from core.members.models import Identity, Member
from core.registry import ArgSpec, ArgType, Registry

registry = Registry("tickets")

TICKET = ArgSpec(
    "ticket", ArgType.WORD, required=False, description="T-12", may_lead=r"(?:#|t-?)\d{1,9}"
)


def is_staff(ctx: Context) -> bool:
    return ctx.actor.role >= Role.MODERATOR


def reopen_within(ctx: Context) -> timedelta:
    return timedelta(days=ctx.services.settings.section(TicketSettings).reopen_days)


async def find(ctx: Context, ref: str | None) -> Ticket | None:
    """The ticket named, else the one whose thread or DM this is; members see only theirs."""
    ticket = await lookup.get(ctx.session, service.parse_ref(ref))
    if ticket is None and not ref:
        ticket = await lookup.at_place(ctx.session, ctx.place)
    if ticket is None and not ref and ctx.place.is_dm:
        ticket = await lookup.member_conversation(
            ctx.session, ctx.member.id, ctx.now, reopen_within(ctx)
        )
    if ticket is None or (ticket.member_id != ctx.member.id and not is_staff(ctx)):
        return None
    return ticket


LOOKS_LIKE_REF = re.compile(r"(?:#|t-)(?=\S*\d|\S{0,3}$)\S*", re.IGNORECASE)
"""A mistyped id ("T-abc", "#1x"): never a reason, or a typo would close the wrong ticket."""


def split_ref(ref: str | None, text: str | None) -> tuple[str | None, str | None]:
    """``/ticket close fixed it`` in a ticket's thread: "fixed" is the reason, not a ticket."""
    if ref is None or service.parse_ref(ref) is not None or LOOKS_LIKE_REF.fullmatch(ref):
        return ref, text
    return None, f"{ref} {text}" if text else ref


def not_found(ref: str | None, *, none_open: bool = False) -> Reply:
    return Reply(
        "tickets/not_found",
        {"ref": ref or "", "none_open": none_open},
        visibility=Visibility.PRIVATE,
    )


async def which_ticket(ctx: Context, ref: str | None) -> Reply:
    """No ticket meant: a member with no open ticket hears that, not a request for an id."""
    if ref or is_staff(ctx):
        return not_found(ref)
    live = await lookup.open_count(ctx.session, ctx.member.id)
    return not_found(ref, none_open=live == 0)


def staff_label(ctx: Context) -> str | None:
    """How staff appear to the member: the support team, unless names are configured visible."""
    return (
        ctx.actor.display_name
        if ctx.services.settings.section(TicketSettings).staff_names_visible
        else None
    )


async def member_named(ctx: Context, who: str) -> Member | None:
    """ "me", a platform user id, or a display name, as staff type it."""
    if who.lower() == "me":
        return ctx.member
    who = who.lstrip("@")
    identity = await ctx.session.scalar(
        select(Identity)
        .where(
            (Identity.platform_user_id == who) | (func.lower(Identity.display_name) == who.lower())
        )
        .order_by(Identity.id)
        .limit(1)
    )
    return await ctx.session.get(Member, identity.member_id) if identity is not None else None


async def names(ctx: Context, *member_ids: int | None) -> dict[int, str]:
    wanted = {m for m in member_ids if m is not None}
    if not wanted:
        return {}
    rows = await ctx.session.execute(
        select(Member.id, Member.display_name).where(Member.id.in_(wanted))
    )
    return {member_id: name for member_id, name in rows}


async def may_work_tickets(ctx: Context, member: Member) -> bool:
    """Whether a member, maybe not around, can be given a ticket: configured as moderator or
    founder, or seen with a moderator role in a group. Someone never seen in a group is given
    the benefit of the doubt (platforms tell no roles in DMs); a known plain member is not."""
    if member.id == ctx.member.id:
        return True
    roles = ctx.services.settings.roles
    staff_ids = {*roles.moderators, *roles.founders}
    accounts = (
        await ctx.session.scalars(select(Identity).where(Identity.member_id == member.id))
    ).all()
    if any(f"{a.platform}:{a.platform_user_id}" in staff_ids for a in accounts):
        return True
    seen = [a.group_role for a in accounts if a.group_role is not None]
    return not seen or max(seen) >= Role.MODERATOR
