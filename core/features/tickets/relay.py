"""Carrying a ticket's conversation between the member's DM and the staff's place.

The member writes to the bot; staff write in the ticket's topic or thread, or reply to a
relayed message in the staff group, or use /ticket reply. Where the member is inside the
ticket's place (a Discord private thread) nothing is relayed, only kept for the transcript.
"""

from __future__ import annotations

from core.context import Context
from core.events import Button, EventKind, Reply, Role, Visibility
from core.features.tickets import lookup, opening, service, unreachable
from core.features.tickets.chat import (
    find,
    is_staff,
    not_found,
    registry,
    reopen_within,
    staff_label,
)
from core.features.tickets.models import ACTIVE, Status, Ticket, TicketMessage
from core.features.tickets.places import is_staff_root, staff_place
from core.features.tickets.settings import TicketSettings
from core.i18n import N_
from core.registry import ArgSpec, ArgType


@registry.on(EventKind.MESSAGE)
async def on_message(ctx: Context) -> list[Reply] | None:
    """Ticket conversations come before FAQ answers: a DM during a ticket is for the team.

    In the staff place only moderators speak for the team: anyone else's message there is
    neither relayed to the member nor counted as an answer.
    """
    if ctx.place.is_dm:
        drafted = await opening.continue_draft(ctx)
        if drafted is not None:
            return drafted
        ticket = await lookup.member_conversation(
            ctx.session, ctx.member.id, ctx.now, reopen_within(ctx)
        )
        if ticket is None:
            return None
        if ticket.awaiting_comment and ticket.status not in ACTIVE:
            return await _comment(ctx, ticket, ctx.event.text)
        return await member_says(ctx, ticket, ctx.event.text)
    ticket = await _ticket_here(ctx)
    if ticket is None:
        return None
    if ticket.member_id == ctx.member.id:
        if ticket.member_inside and not _ask_first(ticket):
            await _keep(ctx, ticket, from_staff=False, text=ctx.event.text)
            return None
        return await member_says(ctx, ticket, ctx.event.text)
    if not is_staff(ctx):
        return [Reply("tickets/staff_only", {"ticket": ticket}, visibility=Visibility.PRIVATE)]
    return await staff_says(ctx, ticket, ctx.event.text) or None


async def _ticket_here(ctx: Context) -> Ticket | None:
    ticket = await lookup.at_place(ctx.session, ctx.place)
    settings = ctx.services.settings.section(TicketSettings)
    if ticket is None and ctx.event.reply_to_id and is_staff_root(settings, ctx.place):
        ticket = await lookup.relayed_to(ctx.session, ctx.place, ctx.event.reply_to_id)
    return ticket


def _ask_first(ticket: Ticket) -> bool:
    """After rating, a member's "thanks a lot" is not a new problem: they are asked whether
    to reopen instead of the ticket reopening on its own."""
    return ticket.status not in ACTIVE and ticket.csat_score is not None


async def _keep(
    ctx: Context, ticket: Ticket, *, from_staff: bool, text: str, may_reopen: bool = True
) -> int:
    message = await service.add_message(
        ctx.session,
        ticket,
        author_id=ctx.member.id,
        author_name=ctx.actor.display_name,
        from_staff=from_staff,
        text=text,
        now=ctx.now,
        reopen_within=reopen_within(ctx),
        may_reopen=may_reopen,
    )
    return message.id


async def member_says(ctx: Context, ticket: Ticket, text: str) -> list[Reply]:
    if _ask_first(ticket):
        message_id = await _keep(ctx, ticket, from_staff=False, text=text, may_reopen=False)
        button = Button(
            "tickets.reopen_mine", f"{ticket.id}:{message_id}", label_key=N_("↩️ Reopen and send")
        )
        return [Reply("tickets/reopen_ask", {"ticket": ticket}, buttons=(button,))]
    was = ticket.status
    message_id = await _keep(ctx, ticket, from_staff=False, text=text)
    reopened = was in (Status.RESOLVED.value, Status.CLOSED.value)
    return _to_staff(ctx, ticket, text, message_id, reopened=reopened)


def _to_staff(
    ctx: Context, ticket: Ticket, text: str, message_id: int, *, reopened: bool
) -> list[Reply]:
    place = staff_place(ticket)
    if place is None:
        return [Reply("tickets/noted", {"ticket": ticket}, visibility=Visibility.PRIVATE)]
    replies = []
    if not ticket.member_inside:
        replies.append(
            Reply(
                "tickets/relay_to_staff",
                {
                    "ticket": ticket,
                    "author": ctx.actor.display_name,
                    "text": text,
                    "reopened": reopened,
                },
                to_place=place,
                idempotency_key=service.outbox_key(ticket.id, "msg", message_id),
            )
        )
    if reopened:
        replies.append(Reply("tickets/reopened_by_you", {"ticket": ticket}))
    return replies


@registry.action("tickets.reopen_mine")
async def reopen_mine(ctx: Context, arg: str) -> list[Reply]:
    """The member chose to reopen their rated ticket: the message they wrote goes to staff."""
    raw_id, _, raw_message = arg.partition(":")
    ticket = await lookup.get(ctx.session, service.parse_ref(raw_id))
    message = (
        await ctx.session.get(TicketMessage, int(raw_message)) if raw_message.isdigit() else None
    )
    if ticket is None or ticket.member_id != ctx.member.id or message is None:
        return [not_found(raw_id)]
    if ticket.status in ACTIVE:
        return [Reply("tickets/already", {"ticket": ticket}, visibility=Visibility.PRIVATE)]
    if not service.can_reopen(ticket, ctx.now, reopen_within(ctx)):
        return [Reply("tickets/too_late", {"ticket": ticket}, visibility=Visibility.PRIVATE)]
    await service.reopen(ctx.session, ticket, ctx.member.id, ctx.now)
    return _to_staff(ctx, ticket, message.text, message.id, reopened=True)


async def staff_says(
    ctx: Context, ticket: Ticket, text: str, *, by_command: bool = False
) -> list[Reply]:
    """Relayed to the member's DM; in a thread the member shares, only a command's text needs
    posting (a message typed there is already seen)."""
    message_id = await _keep(ctx, ticket, from_staff=True, text=text)
    place = staff_place(ticket)
    if ticket.member_inside and not (by_command and place is not None):
        return []
    warning = None if ticket.member_inside else await unreachable.notice(ctx.session, ticket)
    if warning is not None:
        return [warning]
    return [
        Reply(
            "tickets/relay_to_member",
            {"ticket": ticket, "author": staff_label(ctx), "text": text},
            to_member=None if ticket.member_inside else ticket.member_id,
            to_place=place if ticket.member_inside else None,
            idempotency_key=service.outbox_key(ticket.id, "msg", message_id),
            locale=None if ticket.member_inside else ticket.locale,
        )
    ]


@registry.command(
    "ticket reply",
    ArgSpec("ticket", ArgType.WORD),
    ArgSpec("text", ArgType.TEXT),
    min_role=Role.MODERATOR,
)
async def ticket_reply(ctx: Context, ticket: str, text: str) -> list[Reply]:
    """Answer a ticket's member from anywhere: /ticket reply T-12 text."""
    found = await find(ctx, ticket)
    if found is None:
        return [not_found(ticket)]
    relayed = await staff_says(ctx, found, text, by_command=True)
    if any(r.template == unreachable.NOTICE for r in relayed):
        return relayed
    return [*relayed, Reply("tickets/sent", {"ticket": found}, visibility=Visibility.PRIVATE)]


async def _comment(ctx: Context, ticket: Ticket, text: str) -> list[Reply]:
    await service.comment(ctx.session, ticket, text, ctx.now)
    return [Reply("tickets/commented", {"ticket": ticket})]


@registry.command("ticket comment", ArgSpec("text", ArgType.TEXT))
async def ticket_comment(ctx: Context, text: str) -> list[Reply]:
    """Add a comment to your rating of a resolved ticket."""
    found = await lookup.latest_rated(ctx.session, ctx.member.id)
    if found is None:
        return [Reply("tickets/nothing_to_comment", visibility=Visibility.PRIVATE)]
    return await _comment(ctx, found, text)
