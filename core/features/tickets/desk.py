"""Commands members and staff share: list, show, close, transcript; and rating a ticket."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

from core.context import Context
from core.events import Attachment, Button, Platform, Reply, Visibility
from core.features.tickets import lookup, service
from core.features.tickets.chat import (
    TICKET,
    find,
    is_staff,
    names,
    not_found,
    registry,
    split_ref,
    which_ticket,
)
from core.features.tickets.models import ACTIVE, Status, Ticket, TicketMessage
from core.features.tickets.places import staff_place
from core.features.tickets.settings import TicketSettings
from core.registry import ArgSpec, ArgType
from core.render import Renderer

RATINGS = range(1, 6)


@registry.command(
    "ticket list",
    ArgSpec("which", ArgType.CHOICE, required=False, choices=("mine", "open", "breached")),
)
async def ticket_list(ctx: Context, which: str | None = None) -> Reply:
    """List tickets: your own, or for staff the open queue (mine, open, breached)."""
    staff = is_staff(ctx)
    chosen = which or ("open" if staff else "mine")
    tickets, total = await lookup.listing(ctx.session, chosen, ctx.member.id, staff=staff)
    who = await names(ctx, *(t.assignee_id for t in tickets))
    return Reply(
        "tickets/list",
        {
            "tickets": tickets,
            "more": total - len(tickets),
            "which": chosen,
            "assignees": who,
            "staff": staff,
        },
        visibility=Visibility.PRIVATE,
    )


@registry.command("ticket show", TICKET)
async def ticket_show(ctx: Context, ticket: str | None = None) -> Reply:
    """Show a ticket with its latest messages."""
    found = await find(ctx, ticket)
    if found is None:
        return await which_ticket(ctx, ticket)
    said = await service.messages(ctx.session, found)
    who = await names(ctx, found.member_id, found.assignee_id)
    return Reply(
        "tickets/show",
        {
            "ticket": found,
            "messages": said[-10:],
            "member_name": who.get(found.member_id or 0, ""),
            "assignee": who.get(found.assignee_id or 0),
            "staff": is_staff(ctx),
            "names_visible": ctx.services.settings.section(TicketSettings).staff_names_visible,
        },
        visibility=Visibility.PRIVATE,
    )


@registry.command("ticket close", TICKET, ArgSpec("reason", ArgType.TEXT, required=False))
async def ticket_close(
    ctx: Context, ticket: str | None = None, reason: str | None = None
) -> list[Reply]:
    """Close a ticket, with an optional reason; a transcript is kept."""
    ticket, reason = split_ref(ticket, reason)
    found = await find(ctx, ticket)
    if found is None:
        return [await which_ticket(ctx, ticket)]
    if found.status == Status.CLOSED.value:
        return [Reply("tickets/already", {"ticket": found}, visibility=Visibility.PRIVATE)]
    await service.close(ctx.session, found, ctx.member.id, reason, ctx.now)
    by_member = found.member_id == ctx.member.id
    replies = [
        Reply("tickets/closed", {"ticket": found, "reason": reason, "for_staff": not by_member})
    ]
    key = service.outbox_key(found.id, "closed", ctx.event.event_id)
    place = staff_place(found)
    if by_member and place is not None and not found.member_inside:
        note = Reply("tickets/staff_closed", {"ticket": found, "reason": reason or "member"})
        replies.append(Reply(note.template, note.context, to_place=place, idempotency_key=key))
    elif not by_member and not found.member_inside:
        note = Reply("tickets/closed", {"ticket": found, "reason": reason, "for_staff": False})
        replies.append(
            Reply(
                note.template,
                note.context,
                to_member=found.member_id,
                idempotency_key=key,
                locale=found.locale,
            )
        )
    return replies


@registry.command("ticket transcript", TICKET)
async def ticket_transcript(ctx: Context, ticket: str | None = None) -> Reply | list[Reply]:
    """Send a ticket's transcript to its member as a Markdown file."""
    found = await find(ctx, ticket)
    if found is None:
        return await which_ticket(ctx, ticket)
    text = member_transcript(
        ctx.services.renderer,
        found,
        await service.messages(ctx.session, found),
        names_visible=ctx.services.settings.section(TicketSettings).staff_names_visible,
    )
    reply = Reply(
        "tickets/transcript",
        {"ticket": found},
        attachments=(Attachment(f"{found.ref}.md", text.encode(), "text/markdown"),),
    )
    if found.member_id == ctx.member.id:
        return reply
    return [
        Reply(
            reply.template,
            reply.context,
            attachments=reply.attachments,
            to_member=found.member_id,
            idempotency_key=service.outbox_key(found.id, "transcript", ctx.event.event_id),
            locale=found.locale,
        ),
        Reply("tickets/sent", {"ticket": found}, visibility=Visibility.PRIVATE),
    ]


def member_transcript(
    renderer: Renderer, ticket: Ticket, said: Sequence[TicketMessage], *, names_visible: bool
) -> str:
    """The member's copy speaks the ticket's language and signs staff as the team, as the
    relayed replies did; the archive (``Ticket.transcript``) keeps names for staff."""
    context = {"ticket": ticket, "messages": said, "names_visible": names_visible}
    text = renderer.render(
        "tickets/transcript_file", context, platform=Platform.CONSOLE, locale=ticket.locale
    )
    return text.rstrip() + "\n"


def rating_question(ticket: Ticket, custom: dict[str, str]) -> Reply:
    """The rating question with its 1-5 buttons; admins can word it themselves per language
    ([tickets] csat_question)."""
    return Reply(
        "tickets/csat",
        {"ticket": ticket, "custom": custom},
        buttons=tuple(
            Button("tickets.rate", f"{ticket.id}:{score}", label=str(score)) for score in RATINGS
        ),
        locale=ticket.locale,
    )


def csat_reply(ticket: Ticket, ctx: Context) -> Reply:
    """The rating question, to the member's DM."""
    return replace(
        rating_question(ticket, ctx.services.settings.section(TicketSettings).csat_question),
        to_member=ticket.member_id,
        idempotency_key=service.outbox_key(ticket.id, "csat", ticket.resolved_at),
    )


def rateable(ticket: Ticket) -> bool:
    """A rating is about a resolution: an old button pressed after the ticket was reopened
    must neither score the open ticket nor turn the member's next words into a comment."""
    return ticket.resolved_at is not None and ticket.status not in ACTIVE


@registry.action("tickets.rate")
async def rate(ctx: Context, arg: str) -> Reply:
    raw_id, _, raw_score = arg.partition(":")
    ticket = await lookup.get(ctx.session, service.parse_ref(raw_id))
    if ticket is None or not raw_score.isdigit():
        return not_found(raw_id)
    if ticket.member_id != ctx.member.id:
        # The question may sit in a thread staff share with the member.
        return Reply("tickets/rate_only_member", {"ticket": ticket}, visibility=Visibility.PRIVATE)
    if not rateable(ticket):
        return Reply("tickets/not_rateable", {"ticket": ticket}, visibility=Visibility.PRIVATE)
    score = min(max(int(raw_score), RATINGS[0]), RATINGS[-1])
    changed = await service.rate(ctx.session, ticket, score, ctx.now)
    return Reply(
        "tickets/rated",
        {"ticket": ticket, "score": score, "again": not changed},
        locale=ticket.locale,
    )
