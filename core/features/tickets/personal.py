"""Tickets and their conversations, for /privacy. Forgotten, a ticket keeps what staff
answered (others may need it) but not who asked or what they wrote; an open one is closed."""

from typing import Any

from sqlalchemy import delete, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from core.features.tickets import service
from core.features.tickets.models import (
    ACTIVE,
    Status,
    Ticket,
    TicketChange,
    TicketDraft,
    TicketMessage,
)
from core.i18n import N_
from core.privacy import PLACEHOLDER, Forgetting, PersonalData, clear, rows_of

KEPT = N_(
    "Your tickets keep the staff's answers, without your name or your words: the team "
    "learns from them."
)
SAID = ("text", "reason", "comment")
"""Keys of a ticket change's detail that hold someone's words."""


async def export(session: AsyncSession, member_id: int) -> dict[str, Any]:
    tickets = await rows_of(session, Ticket.member_id, member_id)
    for ticket in tickets:
        ticket["messages"] = await rows_of(session, TicketMessage.ticket_id, ticket["id"])
    return {
        "tickets": tickets,
        "ticket_drafts": await rows_of(session, TicketDraft.member_id, member_id),
    }


async def forget(session: AsyncSession, forgetting: Forgetting) -> None:
    member = forgetting.member_id
    theirs = list(await session.scalars(select(Ticket).where(Ticket.member_id == member)))
    ids = [t.id for t in theirs]
    said = or_(
        TicketMessage.author_id == member,
        TicketMessage.ticket_id.in_(ids) & TicketMessage.from_staff.is_(False),
    )
    forgetting.wrote(*await session.scalars(select(TicketMessage.text).where(said)))
    forgetting.wrote(*(text for t in theirs for text in (t.subject, t.description, t.csat_comment)))
    await session.execute(
        update(TicketMessage).where(said).values(author_id=None, author_name=PLACEHOLDER)
    )
    await session.execute(
        update(TicketMessage)
        .where(TicketMessage.ticket_id.in_(ids), TicketMessage.from_staff.is_(False))
        .values(text=PLACEHOLDER)
    )
    for change in await session.scalars(
        select(TicketChange).where(
            or_(TicketChange.ticket_id.in_(ids), TicketChange.actor_id == member)
        )
    ):
        change.detail = {k: v for k, v in change.detail.items() if k not in SAID}
    await clear(
        session,
        TicketChange.actor_id,
        Ticket.opened_by,
        Ticket.assignee_id,
        Ticket.resolved_by,
        member_id=member,
    )
    await session.execute(delete(TicketDraft).where(TicketDraft.member_id == member))
    touched = set(ids) | set(
        await session.scalars(
            select(TicketMessage.ticket_id).where(TicketMessage.author_name == PLACEHOLDER)
        )
    )
    for ticket in theirs:
        ticket.member_id = None
        ticket.subject = ticket.description = PLACEHOLDER
        ticket.csat_comment = None
        if ticket.status in {s.value for s in ACTIVE}:
            ticket.status = Status.CLOSED.value
            ticket.closed_at = forgetting.now
    if theirs:
        forgetting.keep(KEPT)
    await session.flush()
    for ticket in await session.scalars(select(Ticket).where(Ticket.id.in_(touched))):
        if ticket.transcript is not None:
            ticket.transcript = service.transcript(ticket, await service.messages(session, ticket))


PART = PersonalData(
    (
        Ticket.__tablename__,
        TicketMessage.__tablename__,
        TicketChange.__tablename__,
        TicketDraft.__tablename__,
    ),
    export,
    forget,
)
