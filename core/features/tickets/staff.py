"""Working the queue: claim, assign, prioritise, tag, resolve, reopen, export."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from core.context import Context
from core.events import Attachment, Button, Reply, Role, Visibility
from core.features.faq import review
from core.features.faq.models import AnswerLog
from core.features.faq.service import FaqService
from core.features.tickets import lookup, service, unreachable
from core.features.tickets.chat import (
    LOOKS_LIKE_REF,
    TICKET,
    find,
    may_work_tickets,
    member_named,
    names,
    not_found,
    registry,
    split_ref,
)
from core.features.tickets.desk import csat_reply
from core.features.tickets.export import tickets_csv
from core.features.tickets.figures import support_figures
from core.features.tickets.models import ACTIVE, Status, Ticket
from core.features.tickets.places import staff_place
from core.features.tickets.settings import PRIORITIES, TicketSettings
from core.i18n import N_
from core.registry import ArgSpec, ArgType

MOD = Role.MODERATOR
STATS_DAYS = 7
MAX_STATS_DAYS = 365
HISTORY_LIMIT = 30


def _not_active(ticket: Ticket) -> Reply:
    return Reply("tickets/not_active", {"ticket": ticket}, visibility=Visibility.PRIVATE)


def _updated(ticket: Ticket, change: str, **context: object) -> Reply:
    return Reply("tickets/updated", {"ticket": ticket, "change": change, **context})


@registry.command("ticket claim", TICKET, min_role=MOD)
async def ticket_claim(ctx: Context, ticket: str | None = None) -> Reply:
    """Take a ticket on: it becomes yours and in progress."""
    found = await find(ctx, ticket)
    if found is None:
        return not_found(ticket)
    return await _claim(ctx, found)


async def _claim(ctx: Context, ticket: Ticket) -> Reply:
    """Two moderators pressing Claim at once must not take the ticket from each other; taking
    over is a deliberate /ticket assign me. Pressing one's own Claim again changes nothing.
    A resolved or closed ticket is reopened on purpose, not by taking it on."""
    if ticket.status not in ACTIVE:
        return _not_active(ticket)
    if ticket.assignee_id is not None and ticket.assignee_id != ctx.member.id:
        holder = (await names(ctx, ticket.assignee_id)).get(ticket.assignee_id, "?")
        return Reply(
            "tickets/claimed_by_other",
            {"ticket": ticket, "who": holder},
            visibility=Visibility.PRIVATE,
        )
    if ticket.assignee_id is None:
        await service.claim(ctx.session, ticket, ctx.member.id, ctx.now)
    return _updated(ticket, "claimed", who=ctx.actor.display_name)


@registry.action("tickets.claim", min_role=MOD)
async def claim_button(ctx: Context, arg: str) -> Reply:
    found = await lookup.get(ctx.session, service.parse_ref(arg))
    if found is None:
        return not_found(arg)
    return await _claim(ctx, found)


@registry.command("ticket assign", ArgSpec("who", ArgType.WORD), TICKET, min_role=MOD)
async def ticket_assign(ctx: Context, who: str, ticket: str | None = None) -> Reply:
    """Give a ticket to a moderator (a name, an account id, or "me")."""
    if ticket is None and LOOKS_LIKE_REF.fullmatch(who) and await member_named(ctx, who) is None:
        # "/ticket assign T-1": the id came, the person did not.
        return Reply("tickets/assign_whom", {"who": who}, visibility=Visibility.PRIVATE)
    found = await find(ctx, ticket)
    if found is None:
        return not_found(ticket)
    if found.status not in ACTIVE:
        return _not_active(found)
    assignee = await member_named(ctx, who)
    if assignee is None:
        return Reply("tickets/who", {"who": who}, visibility=Visibility.PRIVATE)
    if not await may_work_tickets(ctx, assignee):
        return Reply(
            "tickets/not_staff", {"who": assignee.display_name}, visibility=Visibility.PRIVATE
        )
    await service.assign(ctx.session, found, assignee.id, ctx.member.id, ctx.now)
    return _updated(found, "assigned", who=assignee.display_name)


@registry.command(
    "ticket priority",
    ArgSpec("level", ArgType.CHOICE, choices=PRIORITIES),
    TICKET,
    min_role=MOD,
)
async def ticket_priority(ctx: Context, level: str, ticket: str | None = None) -> Reply:
    """Set a ticket's priority, overriding the keyword rules."""
    found = await find(ctx, ticket)
    if found is None:
        return not_found(ticket)
    await service.set_priority(ctx.session, found, level, ctx.member.id, ctx.now)
    return _updated(found, "priority", level=level)


@registry.command("ticket tag", ArgSpec("tag", ArgType.WORD), TICKET, min_role=MOD)
async def ticket_tag(ctx: Context, tag: str, ticket: str | None = None) -> Reply:
    """Tag a ticket (billing, bug, account...)."""
    found = await find(ctx, ticket)
    if found is None:
        return not_found(ticket)
    await service.add_tag(ctx.session, found, tag.lower()[:30], ctx.member.id, ctx.now)
    return _updated(found, "tagged", tag=tag.lower()[:30])


@registry.command("ticket resolve", TICKET, min_role=MOD)
async def ticket_resolve(ctx: Context, ticket: str | None = None) -> list[Reply]:
    """Mark a ticket solved: the member is asked to rate it."""
    found = await find(ctx, ticket)
    if found is None:
        return [not_found(ticket)]
    if found.status in (Status.RESOLVED.value, Status.CLOSED.value):
        return [Reply("tickets/already", {"ticket": found}, visibility=Visibility.PRIVATE)]
    await service.resolve(ctx.session, found, ctx.member.id, ctx.now)
    has_answer = await service.staff_answer(ctx.session, found) is not None
    offer = (
        (Button("tickets.kb", str(found.id), label_key=N_("📚 Add to knowledge base")),)
        if has_answer
        else ()
    )
    warning = await unreachable.notice(ctx.session, found)
    thread = staff_place(found) if found.member_inside else None
    asked = csat_reply(found, ctx)
    if warning is not None and thread is not None:
        # The member can't be DMed but shares the ticket's thread: they are asked there.
        asked = unreachable.rating_in_thread(
            found, thread, ctx.services.settings.section(TicketSettings)
        )
        warning = None
    return [
        asked,
        Reply("tickets/resolved", {"ticket": found, "offer_kb": has_answer}, buttons=offer),
        *([warning] if warning is not None else []),
    ]


@registry.action("tickets.kb", min_role=MOD)
async def add_to_knowledge_base(ctx: Context, arg: str) -> Reply:
    """A solved ticket's question and staff answer, proposed as a knowledge-base draft."""
    found = await lookup.get(ctx.session, service.parse_ref(arg))
    if found is None:
        return not_found(arg)
    answer = await service.staff_answer(ctx.session, found)
    if answer is not None:
        log = await ctx.session.get(AnswerLog, found.answer_log_id) if found.answer_log_id else None
        entry_id = await review.target_entry(
            ctx.services.get(FaqService),
            service.question_of(found),
            answer,
            found.locale,
            rejected=log.entry_id if log is not None and log.answered else None,
        )
        await service.propose_to_knowledge_base(
            ctx.session, found, ctx.member.id, ctx.now, answer=answer, entry_id=entry_id
        )
    proposed = answer is not None
    return Reply(
        "tickets/kb_proposed",
        {"ticket": found, "proposed": proposed},
        visibility=Visibility.PRIVATE,
    )


@registry.command("ticket reopen", TICKET, min_role=MOD)
async def ticket_reopen(ctx: Context, ticket: str | None = None) -> Reply:
    """Reopen a resolved or closed ticket."""
    ticket, _ = split_ref(ticket, None)
    found = await find(ctx, ticket)
    if found is None:
        return not_found(ticket)
    await service.reopen(ctx.session, found, ctx.member.id, ctx.now)
    return _updated(found, "reopened")


@registry.command("ticket history", TICKET, min_role=MOD)
async def ticket_history(ctx: Context, ticket: str | None = None) -> Reply:
    """A ticket's audit trail: who changed what, and when."""
    found = await find(ctx, ticket)
    if found is None:
        return not_found(ticket)
    changes = await lookup.changes(ctx.session, found, HISTORY_LIMIT)
    who = await names(
        ctx,
        *(c.actor_id for c in changes),
        *(c.detail.get("new") for c in changes if c.kind == "assigned"),
    )
    return Reply(
        "tickets/history",
        {"ticket": found, "changes": changes, "who": who, "limit": HISTORY_LIMIT},
        visibility=Visibility.PRIVATE,
    )


@registry.command("ticket export", min_role=MOD)
async def ticket_export(ctx: Context) -> Reply:
    """Export every ticket as a CSV file."""
    tickets = (await ctx.session.scalars(select(Ticket).order_by(Ticket.id))).all()
    return Reply(
        "tickets/export",
        {"count": len(tickets)},
        attachments=(Attachment("tickets.csv", tickets_csv(tickets).encode(), "text/csv"),),
        visibility=Visibility.PRIVATE,
    )


@registry.command("ticket stats", ArgSpec("days", ArgType.INTEGER, required=False), min_role=MOD)
async def ticket_stats(ctx: Context, days: int = STATS_DAYS) -> Reply:
    """Support figures for the last days: volume, speed, breaches, ratings, deflection."""
    asked, days = days, min(max(days, 1), MAX_STATS_DAYS)
    # Periods are half-open; what happened this very moment belongs to "the last days".
    end = ctx.now + timedelta(microseconds=1)
    figures = await support_figures(ctx.session, end - timedelta(days=days), end, now=ctx.now)
    who = await names(ctx, *(r.member_id for r in figures.csat_by_moderator))
    return Reply(
        "tickets/stats",
        {"figures": figures, "days": days, "asked": asked, "moderators": who},
        visibility=Visibility.PRIVATE,
    )
