"""Opening a ticket: by command, by a guided exchange in the DM, from a declined FAQ answer,
or by a moderator for a member. Each gets a private place for staff and a word to the member.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from core.context import Context
from core.events import Button, Platform, Reply, Role, Visibility
from core.features.faq.entries import KBEntry
from core.features.tickets import service
from core.features.tickets.chat import member_named, registry
from core.features.tickets.models import Ticket, TicketDraft
from core.features.tickets.places import staff_root
from core.features.tickets.settings import TicketSettings
from core.i18n import N_
from core.members.models import Member
from core.places import PlaceRequest
from core.registry import ArgSpec, ArgType

DRAFT_LIFETIME = timedelta(hours=1)
TITLE_LIMIT = 90
SUBJECT_LIMIT = 200
"""The subject column's size: a longer one is cut, so PostgreSQL never refuses the row."""

CANCEL = (Button("tickets.cancel_draft", "", label_key=N_("✖ Cancel")),)

SUBJECT = ArgSpec("subject", ArgType.TEXT, required=False, description="In a few words")
DESCRIPTION = ArgSpec(
    "description", ArgType.TEXT, required=False, description="What happened, what you expected"
)


async def open_for(
    ctx: Context,
    member: Member,
    *,
    subject: str,
    description: str,
    source: str,
    answer_log_id: int | None = None,
    suggestions: Sequence[str] = (),
    rejected: KBEntry | None = None,
) -> list[Reply]:
    """Open the ticket, give it a place, tell staff there and the member where to talk.

    ``rejected`` is the answer the member marked 👎 before asking for a human: staff should
    not send it again."""
    by_staff = member.id != ctx.member.id
    subject, description = fit_subject(subject, description)
    settings = ctx.services.settings.section(TicketSettings)
    platform = _member_platform(ctx, member)
    tier = service.tier_of(
        settings, (f"{i.platform}:{i.platform_user_id}" for i in member.identities)
    )
    ticket = await service.open_ticket(
        ctx.session,
        settings,
        member_id=member.id,
        author_name=member.display_name,
        subject=subject,
        description=description,
        locale=member.locale or ctx.locale,
        platform=platform.value,
        source=source,
        now=ctx.now,
        opened_by=ctx.member.id if by_staff else None,
        answer_log_id=answer_log_id,
        suggestions=suggestions,
        tier=tier,
    )
    root = staff_root(settings, platform)
    replies: list[Reply] = []
    if root is not None:
        private = await ctx.services.places.open_private(
            PlaceRequest(
                parent=root,
                key=ticket.ref,
                title=f"{ticket.ref} · {subject}"[:TITLE_LIMIT],
                member_user_id=_account_on(member, root.platform),
            )
        )
        await service.set_place(ctx.session, ticket, private)
        replies.append(
            Reply(
                "tickets/staff_opened",
                {
                    "ticket": ticket,
                    "member_name": member.display_name,
                    "by_staff": by_staff,
                    "rejected": rejected,
                    "tier": tier,
                },
                buttons=(Button("tickets.claim", str(ticket.id), label_key=N_("🙋 Claim")),),
                to_place=private.place,
                idempotency_key=service.outbox_key(ticket.id, "opened"),
            )
        )
    told = Reply("tickets/opened", {"ticket": ticket, "by_staff": by_staff})
    if by_staff:
        replies.append(
            Reply(
                told.template,
                told.context,
                to_member=member.id,
                idempotency_key=service.outbox_key(ticket.id, "opened_member"),
                locale=ticket.locale,
            )
        )
        replies.append(
            Reply("tickets/opened_for", {"ticket": ticket}, visibility=Visibility.PRIVATE)
        )
    else:
        replies.append(Reply(told.template, told.context, visibility=Visibility.PRIVATE))
    return replies


def _member_platform(ctx: Context, member: Member) -> Platform:
    if member.id == ctx.member.id:
        return ctx.place.platform
    accounts = [i for i in member.identities if i.unreachable_at is None] or member.identities
    if member.dm_platform:
        return Platform(member.dm_platform)
    return Platform(accounts[0].platform) if accounts else ctx.place.platform


def _account_on(member: Member, platform: Platform) -> str | None:
    for identity in member.identities:
        if identity.platform == platform.value:
            return identity.platform_user_id
    return None


def fit_subject(subject: str, description: str) -> tuple[str, str]:
    """A subject past the column's size keeps every character: its first line (cut) becomes
    the subject, and the whole of it opens the description, before any description given
    after ``|``; a short subject is left as it is."""
    if len(subject) <= SUBJECT_LIMIT:
        return subject, description
    whole = f"{subject}\n\n{description}" if description else subject
    return subject.splitlines()[0][:SUBJECT_LIMIT], whole


async def _open_or_ask(ctx: Context, subject: str | None, description: str | None) -> list[Reply]:
    if subject and (description or len(subject) > SUBJECT_LIMIT):
        await _drop_draft(ctx)
        return await open_for(
            ctx, ctx.member, subject=subject, description=description or "", source="command"
        )
    draft = await ctx.session.get(TicketDraft, ctx.member.id)
    if draft is None:
        draft = TicketDraft(member_id=ctx.member.id, started_at=ctx.now)
        ctx.session.add(draft)
    draft.subject = subject[:SUBJECT_LIMIT] if subject else None
    draft.started_at = ctx.now
    template = "tickets/ask_description" if subject else "tickets/ask_subject"
    if ctx.place.is_dm:
        return [Reply(template, {"subject": draft.subject or ""}, buttons=CANCEL)]
    return [
        Reply(
            template,
            {"subject": draft.subject or ""},
            buttons=CANCEL,
            to_member=ctx.member.id,
            idempotency_key=f"ticket-draft:{ctx.member.id}:{ctx.event.event_id}",
        ),
        Reply("tickets/continue_in_dm", visibility=Visibility.PRIVATE),
    ]


async def _drop_draft(ctx: Context) -> None:
    draft = await ctx.session.get(TicketDraft, ctx.member.id)
    if draft is not None:
        await ctx.session.delete(draft)


@registry.action("tickets.cancel_draft")
async def cancel_draft(ctx: Context, arg: str) -> Reply:
    """Without a way out, whatever the member writes next would become a ticket."""
    await _drop_draft(ctx)
    return Reply("tickets/draft_cancelled", visibility=Visibility.PRIVATE)


@registry.command("ticket", SUBJECT, DESCRIPTION)
async def ticket_command(
    ctx: Context, subject: str | None = None, description: str | None = None
) -> list[Reply]:
    """Open a support ticket: /ticket subject | description."""
    return await _open_or_ask(ctx, subject, description)


@registry.command("ticket open", SUBJECT, DESCRIPTION, form=True)
async def ticket_open(
    ctx: Context, subject: str | None = None, description: str | None = None
) -> list[Reply]:
    """Open a support ticket with a subject and a description."""
    return await _open_or_ask(ctx, subject, description)


async def continue_draft(ctx: Context) -> list[Reply] | None:
    """The member's DM answers the question the guided exchange asked last."""
    draft = await ctx.session.get(TicketDraft, ctx.member.id)
    if draft is None:
        return None
    text = ctx.event.text.strip()
    if ctx.now - draft.started_at > DRAFT_LIFETIME or not text:
        await ctx.session.delete(draft)
        return None
    if draft.subject is None and len(text) > SUBJECT_LIMIT:
        await ctx.session.delete(draft)
        return await open_for(ctx, ctx.member, subject=text, description="", source="command")
    if draft.subject is None:
        draft.subject = text[:SUBJECT_LIMIT]
        draft.started_at = ctx.now
        return [Reply("tickets/ask_description", {"subject": draft.subject}, buttons=CANCEL)]
    subject = draft.subject
    await ctx.session.delete(draft)
    return await open_for(ctx, ctx.member, subject=subject, description=text, source="command")


@registry.command(
    "ticket for",
    ArgSpec("member", ArgType.WORD),
    ArgSpec("subject", ArgType.TEXT),
    DESCRIPTION,
    min_role=Role.MODERATOR,
)
async def ticket_for(
    ctx: Context, member: str, subject: str, description: str | None = None
) -> list[Reply]:
    """Open a ticket on a member's behalf: /ticket for NAME subject | description."""
    target = await member_named(ctx, member)
    if target is None:
        return [Reply("tickets/who", {"who": member}, visibility=Visibility.PRIVATE)]
    return await open_for(
        ctx, target, subject=subject, description=description or "", source="moderator"
    )


async def from_declined_answer(
    ctx: Context,
    question: str,
    answer_log_id: int,
    suggestions: Sequence[str],
    *,
    rejected: KBEntry | None = None,
) -> list[Reply]:
    """ "Ask a human" under an answer: the question and what the bot suggested come along."""
    existing = await _ticket_for_answer(ctx, answer_log_id)
    if existing is not None:
        return [Reply("tickets/opened", {"ticket": existing, "by_staff": False})]
    return await open_for(
        ctx,
        ctx.member,
        subject=question[:TITLE_LIMIT],
        description=question,
        source="faq",
        answer_log_id=answer_log_id,
        suggestions=suggestions,
        rejected=rejected,
    )


async def _ticket_for_answer(ctx: Context, answer_log_id: int) -> Ticket | None:
    return await ctx.session.scalar(
        select(Ticket).where(Ticket.answer_log_id == answer_log_id).limit(1)
    )


async def draft_started_at(session: AsyncSession, member_id: int) -> datetime | None:
    """When the guided exchange last asked this member something, if it still waits."""
    draft = await session.get(TicketDraft, member_id)
    return draft.started_at if draft else None


async def abandon_draft(session: AsyncSession, member_id: int) -> None:
    """Another feature asked the member something since; their next DM answers that."""
    draft = await session.get(TicketDraft, member_id)
    if draft is not None:
        await session.delete(draft)
