"""The ticket lifecycle: open, talk, claim, resolve, rate, close, with every change audited.

No chat here: functions take a session and plain values, flush, and leave the messages to
handlers and sweeps, which decide who hears about what; the router or the sweeper commits.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from core.features.faq import learning
from core.features.tickets.models import (
    ACTIVE,
    Status,
    Ticket,
    TicketChange,
    TicketMessage,
)
from core.features.tickets.settings import PRIORITIES, TicketSettings
from core.places import PrivatePlace

REF = re.compile(r"^#?(?:t-?)?(\d{1,9})$", re.IGNORECASE)
DEFAULT_PRIORITY = "medium"
KEY_PREFIX = "ticket:"
KB_SOURCE = "ticket"
"""Suggestions that come from solved tickets (``Suggestion.source``)."""


def parse_ref(text: str | None) -> int | None:
    """Staff type ids every way: "T-12", "t12", "#12" and "12" all mean 12."""
    match = REF.match((text or "").strip())
    return int(match.group(1)) if match else None


def outbox_key(ticket_id: int, *parts: object) -> str:
    """Keys of messages about a ticket start with its id, so a reply to one finds the ticket."""
    return KEY_PREFIX + ":".join(str(p) for p in (ticket_id, *parts))


def priority_for(text: str, rules: dict[str, list[str]], floor: str | None = None) -> str:
    """The highest priority whose keywords appear in the text, but not below ``floor`` (the
    member's tier); medium when neither says anything."""
    lowered = text.casefold()
    for level in reversed(PRIORITIES):
        if level == floor:
            return level
        if any(keyword.casefold() in lowered for keyword in rules.get(level, ())):
            return level
    return DEFAULT_PRIORITY


def tier_of(settings: TicketSettings, accounts: Iterable[str]) -> str | None:
    """The member's highest-priority tier, from any of their linked accounts."""
    mine = set(accounts)
    found = [
        (PRIORITIES.index(tier.priority), name)
        for name, tier in settings.tiers.items()
        if mine.intersection(tier.members)
    ]
    return max(found)[1] if found else None


async def record(
    session: AsyncSession,
    ticket: Ticket,
    kind: str,
    actor_id: int | None,
    now: datetime,
    **detail: Any,
) -> None:
    session.add(
        TicketChange(ticket_id=ticket.id, actor_id=actor_id, kind=kind, detail=detail, at=now)
    )
    await session.flush()


async def _set_status(
    session: AsyncSession, ticket: Ticket, status: Status, actor_id: int | None, now: datetime
) -> None:
    if ticket.status == status.value:
        return
    await record(session, ticket, "status", actor_id, now, old=ticket.status, new=status.value)
    if ticket.status == Status.WAITING_ON_MEMBER.value and ticket.waiting_since is not None:
        waited = int((now - ticket.waiting_since).total_seconds())
        ticket.waited_seconds = (ticket.waited_seconds or 0) + waited
    ticket.status = status.value
    ticket.waiting_since = now if status is Status.WAITING_ON_MEMBER else None
    ticket.warned_at = None


async def open_ticket(
    session: AsyncSession,
    settings: TicketSettings,
    *,
    member_id: int,
    author_name: str,
    subject: str,
    description: str,
    locale: str,
    platform: str,
    source: str,
    now: datetime,
    opened_by: int | None = None,
    answer_log_id: int | None = None,
    suggestions: Sequence[str] = (),
    tier: str | None = None,
) -> Ticket:
    """A new open ticket; opening one counts as the member escalating past the FAQ.

    ``tier`` (``tier_of``) sets the lowest priority the member's tickets start at."""
    floor = settings.tiers[tier].priority if tier in settings.tiers else None
    ticket = Ticket(
        member_id=member_id,
        opened_by=opened_by,
        subject=subject[:200],
        description=description,
        locale=locale,
        platform=platform,
        source=source,
        answer_log_id=answer_log_id,
        suggestions=list(suggestions),
        status=Status.OPEN.value,
        priority=priority_for(f"{subject}\n{description}", settings.priority_keywords, floor),
        tags=[],
        member_inside=False,
        created_at=now,
        response_escalation=0,
        resolution_escalation=0,
        waited_seconds=0,
        awaiting_comment=False,
    )
    session.add(ticket)
    await session.flush()
    await record(session, ticket, "opened", opened_by or member_id, now, source=source, tier=tier)
    if description:
        session.add(
            TicketMessage(
                ticket_id=ticket.id,
                author_id=member_id,
                author_name=author_name[:100],
                from_staff=False,
                text=description,
                at=now,
            )
        )
    await learning.record_escalation(session, member_id, now)
    return ticket


async def set_place(session: AsyncSession, ticket: Ticket, private: PrivatePlace) -> None:
    place = private.place
    ticket.staff_platform = place.platform.value
    ticket.staff_chat_id = place.chat_id
    ticket.staff_thread_id = place.thread_id
    ticket.member_inside = private.member_inside
    await session.flush()


async def add_message(
    session: AsyncSession,
    ticket: Ticket,
    *,
    author_id: int,
    author_name: str,
    from_staff: bool,
    text: str,
    now: datetime,
    reopen_within: timedelta,
    may_reopen: bool = True,
) -> TicketMessage:
    """Keep what was said and move the ticket along.

    Staff answering puts the ball in the member's court; the member answering takes it back,
    and reopens a resolved or closed ticket within ``reopen_within`` unless ``may_reopen`` is
    false (the member is asked first).
    """
    message = TicketMessage(
        ticket_id=ticket.id,
        author_id=author_id,
        author_name=author_name[:100],
        from_staff=from_staff,
        text=text,
        at=now,
    )
    session.add(message)
    status = Status(ticket.status)
    if from_staff:
        if ticket.first_response_at is None:
            ticket.first_response_at = now
        if status in ACTIVE:
            await _set_status(session, ticket, Status.WAITING_ON_MEMBER, author_id, now)
    elif status is Status.WAITING_ON_MEMBER:
        await _set_status(session, ticket, _working_status(ticket), author_id, now)
    elif status not in ACTIVE and may_reopen and can_reopen(ticket, now, reopen_within):
        await reopen(session, ticket, author_id, now)
    await session.flush()
    return message


def _working_status(ticket: Ticket) -> Status:
    return Status.IN_PROGRESS if ticket.assignee_id is not None else Status.OPEN


def can_reopen(ticket: Ticket, now: datetime, within: timedelta) -> bool:
    ended = ticket.resolved_at or ticket.closed_at
    return ended is not None and now - ended <= within


async def claim(session: AsyncSession, ticket: Ticket, moderator_id: int, now: datetime) -> None:
    await assign(session, ticket, moderator_id, moderator_id, now)


async def assign(
    session: AsyncSession, ticket: Ticket, assignee_id: int, actor_id: int, now: datetime
) -> None:
    """Assigning the assignee again changes nothing, so the audit trail says nothing."""
    if ticket.assignee_id == assignee_id:
        return
    await record(
        session, ticket, "assigned", actor_id, now, old=ticket.assignee_id, new=assignee_id
    )
    ticket.assignee_id = assignee_id
    if ticket.status == Status.OPEN.value:
        await _set_status(session, ticket, Status.IN_PROGRESS, actor_id, now)
    await session.flush()


async def set_priority(
    session: AsyncSession, ticket: Ticket, priority: str, actor_id: int, now: datetime
) -> None:
    if ticket.priority == priority:
        return
    await record(session, ticket, "priority", actor_id, now, old=ticket.priority, new=priority)
    ticket.priority = priority
    await session.flush()


async def add_tag(
    session: AsyncSession, ticket: Ticket, tag: str, actor_id: int, now: datetime
) -> None:
    if tag in ticket.tags:
        return
    await record(session, ticket, "tagged", actor_id, now, tag=tag)
    ticket.tags = [*ticket.tags, tag]
    await session.flush()


async def resolve(session: AsyncSession, ticket: Ticket, actor_id: int, now: datetime) -> None:
    await _set_status(session, ticket, Status.RESOLVED, actor_id, now)
    ticket.resolved_at = now
    ticket.resolved_by = actor_id
    await session.flush()


async def close(
    session: AsyncSession,
    ticket: Ticket,
    actor_id: int | None,
    reason: str | None,
    now: datetime,
) -> None:
    """Closed tickets keep a Markdown transcript of everything said."""
    await _set_status(session, ticket, Status.CLOSED, actor_id, now)
    if reason:
        await record(session, ticket, "close_reason", actor_id, now, reason=reason)
    ticket.closed_at = now
    ticket.close_reason = reason
    ticket.transcript = transcript(ticket, await messages(session, ticket))
    await session.flush()


async def reopen(session: AsyncSession, ticket: Ticket, actor_id: int, now: datetime) -> None:
    await _set_status(session, ticket, _working_status(ticket), actor_id, now)
    ticket.resolved_at = ticket.resolved_by = ticket.closed_at = None
    ticket.csat_score = ticket.csat_comment = ticket.csat_at = None
    ticket.awaiting_comment = False
    await session.flush()


async def rate(session: AsyncSession, ticket: Ticket, score: int, now: datetime) -> bool:
    """False when the ticket already has this score: a second press of the same button
    neither adds to the audit trail nor asks again for a comment already given."""
    if ticket.csat_score == score:
        return False
    await record(session, ticket, "rated", ticket.member_id, now, score=score)
    ticket.csat_score = score
    ticket.csat_at = now
    ticket.awaiting_comment = True
    await session.flush()
    return True


async def comment(session: AsyncSession, ticket: Ticket, text: str, now: datetime) -> None:
    """A further comment adds to the earlier ones: nothing a member wrote is dropped."""
    await record(session, ticket, "commented", ticket.member_id, now, text=text)
    earlier = ticket.csat_comment
    ticket.csat_comment = f"{earlier}\n\n{text}" if earlier else text
    ticket.awaiting_comment = False
    await session.flush()


async def messages(session: AsyncSession, ticket: Ticket) -> Sequence[TicketMessage]:
    found = await session.scalars(
        select(TicketMessage)
        .where(TicketMessage.ticket_id == ticket.id)
        .order_by(TicketMessage.at, TicketMessage.id)
    )
    return found.all()


def transcript(ticket: Ticket, said: Iterable[TicketMessage]) -> str:
    """The archive's Markdown record (closed tickets, the CLI export): names as written, for
    staff; members get ``desk.member_transcript``."""
    lines = [
        f"# {ticket.ref}: {ticket.subject}",
        "",
        f"- opened: {ticket.created_at:%Y-%m-%d %H:%M} UTC",
        f"- priority: {ticket.priority}",
        f"- status: {ticket.status}",
        "",
    ]
    for message in said:
        role = "staff" if message.from_staff else "member"
        lines += [f"**{message.author_name}** ({role}, {message.at:%Y-%m-%d %H:%M}):", ""]
        lines += [f"> {line}" if line else ">" for line in message.text.splitlines()]
        lines.append("")
    return "\n".join(lines).rstrip() + "\n"


async def staff_answer(session: AsyncSession, ticket: Ticket) -> str | None:
    """What staff said, as the answer a knowledge-base entry would give."""
    said = [m.text for m in await messages(session, ticket) if m.from_staff]
    return "\n\n".join(said) if said else None


async def propose_to_knowledge_base(
    session: AsyncSession,
    ticket: Ticket,
    proposed_by: int,
    now: datetime,
    *,
    answer: str,
    entry_id: str | None,
) -> None:
    """Offer the solved question and staff answer to moderators: a new phrasing of
    ``entry_id``, or a draft entry when no entry is close. Proposing again (the button
    pressed twice) keeps the first suggestion and adds nothing to the audit trail."""
    if await learning.existing(session, KB_SOURCE, ticket.ref) is not None:
        return
    await learning.propose(
        session,
        question=question_of(ticket),
        answer=answer,
        entry_id=entry_id,
        locale=ticket.locale,
        source=KB_SOURCE,
        source_ref=ticket.ref,
        now=now,
        proposed_by=proposed_by,
    )
    await record(session, ticket, "proposed_to_kb", proposed_by, now, entry=entry_id)


def question_of(ticket: Ticket) -> str:
    """What the member asked, as a knowledge-base question."""
    return ticket.description or ticket.subject
