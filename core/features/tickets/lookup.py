"""Finding tickets: by id, by the place staff talk in, by a relayed message, by member."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta

from sqlalchemy import case, func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from core.events import Place
from core.features.tickets.models import ACTIVE, Ticket, TicketChange
from core.features.tickets.service import KEY_PREFIX, can_reopen
from core.features.tickets.settings import PRIORITIES
from core.outbox import OutboxMessage


async def get(session: AsyncSession, ticket_id: int | None) -> Ticket | None:
    return await session.get(Ticket, ticket_id) if ticket_id is not None else None


async def at_place(session: AsyncSession, place: Place) -> Ticket | None:
    """The ticket whose own thread or topic this is (not a shared staff group)."""
    if place.thread_id is None:
        return None
    return await session.scalar(
        select(Ticket)
        .where(
            Ticket.staff_platform == place.platform.value,
            Ticket.staff_chat_id == place.chat_id,
            Ticket.staff_thread_id == place.thread_id,
        )
        .order_by(Ticket.id.desc())
        .limit(1)
    )


async def relayed_to(session: AsyncSession, place: Place, message_id: str) -> Ticket | None:
    """The ticket a message in the staff group replies to, from the relayed copy's key."""
    key = await session.scalar(
        select(OutboxMessage.idempotency_key).where(
            OutboxMessage.platform == place.platform.value,
            OutboxMessage.chat_id == place.chat_id,
            OutboxMessage.message_id == message_id,
            OutboxMessage.idempotency_key.startswith(KEY_PREFIX),
        )
    )
    if key is None:
        return None
    return await get(session, int(key.removeprefix(KEY_PREFIX).split(":", 1)[0]))


async def member_conversation(
    session: AsyncSession, member_id: int, now: datetime, reopen_within: timedelta
) -> Ticket | None:
    """The ticket a member's DM belongs to: their latest live one, relayed to staff."""
    candidates = await session.scalars(
        select(Ticket)
        .where(
            Ticket.member_id == member_id,
            Ticket.member_inside.is_(False),
            or_(
                Ticket.status.in_([s.value for s in ACTIVE]),
                Ticket.awaiting_comment.is_(True),
                Ticket.resolved_at >= now - reopen_within,
                Ticket.closed_at >= now - reopen_within,
            ),
        )
        .order_by(Ticket.id.desc())
    )
    for ticket in candidates:
        if ticket.status in {s.value for s in ACTIVE} or ticket.awaiting_comment:
            return ticket
        if can_reopen(ticket, now, reopen_within):
            return ticket
    return None


async def listing(
    session: AsyncSession, which: str, member_id: int, *, staff: bool, limit: int = 25
) -> tuple[Sequence[Ticket], int]:
    """Staff see the queue, the most urgent and then the longest waiting first; members only
    ever their own tickets, newest first. Also how many match in all, past ``limit``."""
    query = select(Ticket)
    if not staff:
        query = query.where(Ticket.member_id == member_id)
    elif which == "mine":
        query = query.where(Ticket.assignee_id == member_id)
    queue = which in ("open", "breached") or (staff and which != "mine")
    if queue:
        query = query.where(Ticket.status.in_([s.value for s in ACTIVE]))
    if which == "breached":
        query = query.where(or_(Ticket.response_escalation > 0, Ticket.resolution_escalation > 0))
    total = await session.scalar(select(func.count()).select_from(query.subquery()))
    if staff and queue:
        urgency = case({p: -rank for rank, p in enumerate(PRIORITIES)}, value=Ticket.priority)
        query = query.order_by(urgency, Ticket.created_at, Ticket.id)
    else:
        query = query.order_by(Ticket.id.desc())
    return (await session.scalars(query.limit(limit))).all(), total or 0


async def latest_rated(session: AsyncSession, member_id: int) -> Ticket | None:
    return await session.scalar(
        select(Ticket)
        .where(Ticket.member_id == member_id, Ticket.csat_score.is_not(None))
        .order_by(Ticket.csat_at.desc(), Ticket.id.desc())
        .limit(1)
    )


async def open_count(session: AsyncSession, member_id: int) -> int:
    """How many of a member's tickets are still being worked on."""
    count = await session.scalar(
        select(func.count(Ticket.id)).where(
            Ticket.member_id == member_id, Ticket.status.in_([s.value for s in ACTIVE])
        )
    )
    return count or 0


async def changes(session: AsyncSession, ticket: Ticket, limit: int) -> list[TicketChange]:
    """The ticket's latest ``limit`` audit entries, oldest first."""
    latest = await session.scalars(
        select(TicketChange)
        .where(TicketChange.ticket_id == ticket.id)
        .order_by(TicketChange.at.desc(), TicketChange.id.desc())
        .limit(limit)
    )
    return list(reversed(latest.all()))
