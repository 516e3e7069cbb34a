"""Staff hear when a ticket's member cannot be reached: they blocked the bot or closed DMs.

The dispatcher records the platform's refusal on the outbox row and marks the account
unreachable; from then on nothing more is queued to it. Without a word to staff they would
wait on a member who never read their answer. What staff wrote is kept on the ticket either
way, and the member reads it with /ticket show once they write to the bot again.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from core.context import Services
from core.events import Place, Platform, Reply, Visibility
from core.features.tickets import service
from core.features.tickets.desk import rateable, rating_question
from core.features.tickets.models import Ticket
from core.features.tickets.places import staff_place, staff_root
from core.features.tickets.settings import TicketSettings
from core.members import service as members
from core.members.models import Identity, Member
from core.outbox import OutboxMessage, OutboxStatus

NOTICE = "tickets/unreachable"
"""The template telling staff the member can't be reached."""
LOOKBACK = timedelta(days=7)
"""Refusals older than this were told already, or concern tickets long settled."""


async def notice(session: AsyncSession, ticket: Ticket) -> Reply | None:
    """A private word to the staff member acting when nothing can be queued to the ticket's
    member (every account marked blocked); None while they can be reached."""
    member = await session.get_one(Member, ticket.member_id)
    if members.dm_identity(member) is not None:
        return None
    return Reply(
        NOTICE,
        {"ticket": ticket, "member": member.display_name},
        visibility=Visibility.PRIVATE,
    )


async def tell_staff(services: Services, session: AsyncSession) -> int:
    """Each ticket message a member's platform refused: their staff place hears it once for
    each time the member became unreachable (one outbox key per ticket and refusal)."""
    now = services.clock.now()
    queued = 0
    refused = await session.execute(
        select(OutboxMessage.idempotency_key, OutboxMessage.member_id, Identity.unreachable_at)
        .join(
            Identity,
            (Identity.platform == OutboxMessage.platform)
            & (Identity.platform_user_id == OutboxMessage.user_id),
        )
        .where(
            OutboxMessage.status == OutboxStatus.FAILED.value,
            OutboxMessage.idempotency_key.startswith(service.KEY_PREFIX),
            OutboxMessage.created_at >= now - LOOKBACK,
            Identity.unreachable_at.is_not(None),
        )
        .order_by(OutboxMessage.id)
    )
    for key, member_id, since in refused.all():
        ticket_id = service.parse_ref(key.removeprefix(service.KEY_PREFIX).split(":", 1)[0])
        ticket = await session.get(Ticket, ticket_id) if ticket_id is not None else None
        if ticket is not None and ticket.member_id == member_id and since is not None:
            queued += await _tell(services, session, ticket, since)
            queued += await _rating_in_thread(services, session, ticket, key)
    return queued


async def _tell(services: Services, session: AsyncSession, ticket: Ticket, since: datetime) -> bool:
    root = staff_root(services.settings.section(TicketSettings), Platform(ticket.platform))
    # A thread the member shares is no place to talk about them: the staff channel hears it.
    place = root if ticket.member_inside else staff_place(ticket) or root
    if place is None:
        return False
    member = await session.get_one(Member, ticket.member_id)
    reply = Reply(NOTICE, {"ticket": ticket, "member": member.display_name})
    key = service.outbox_key(ticket.id, "unreachable", since.isoformat())
    return await services.notifier.to_place(session, place, reply, key)


async def _rating_in_thread(
    services: Services, session: AsyncSession, ticket: Ticket, key: str
) -> bool:
    """A Discord member with closed DMs still shares the ticket's private thread: the rating
    question they missed is asked there instead (once per resolution)."""
    place = staff_place(ticket)
    missed = key.startswith(service.outbox_key(ticket.id, "csat") + ":")
    unrated = rateable(ticket) and ticket.csat_score is None
    if not ticket.member_inside or place is None or not missed or not unrated:
        return False
    asked = rating_in_thread(ticket, place, services.settings.section(TicketSettings))
    assert asked.idempotency_key is not None
    return await services.notifier.to_place(session, place, asked, asked.idempotency_key)


def rating_in_thread(ticket: Ticket, place: Place, settings: TicketSettings) -> Reply:
    """The rating question posted in the ticket's thread, for a member the bot cannot DM."""
    return replace(
        rating_question(ticket, settings.csat_question),
        to_place=place,
        idempotency_key=service.outbox_key(ticket.id, "csat_in_thread", ticket.resolved_at),
    )
