"""Scheduled passes over tickets: SLA breaches, quiet tickets, resolved ones to close.

Each pass reads state, changes it and queues its messages in one transaction, under keys
derived from the ticket and the step, so a late, repeated or restarted run says nothing twice.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from core.context import Services
from core.events import Platform, Reply
from core.features.tickets import service
from core.features.tickets.models import ACTIVE, Status, Ticket
from core.features.tickets.places import staff_place, staff_root
from core.features.tickets.settings import TicketSettings
from core.members.models import Identity

log = logging.getLogger(__name__)

TO_CHANNEL = 1
TO_FOUNDER = 2


def _level(now: datetime, since: datetime, target: timedelta) -> int:
    """Past the target: the support channel hears; past twice the target: the founder too."""
    if now >= since + 2 * target:
        return TO_FOUNDER
    if now >= since + target:
        return TO_CHANNEL
    return 0


async def escalate_breaches(services: Services, session: AsyncSession) -> int:
    """Resolution time does not run against staff while the ticket waits on the member."""
    settings = services.settings.section(TicketSettings)
    now = services.clock.now()
    queued = 0
    tickets = await session.scalars(
        select(Ticket).where(Ticket.status.in_([s.value for s in ACTIVE]))
    )
    for ticket in tickets:
        hours = settings.first_response_hours.get(ticket.priority)
        if ticket.first_response_at is None and hours is not None:
            level = _level(now, ticket.created_at, timedelta(hours=hours))
            if level > ticket.response_escalation:
                told, ticket.response_escalation = await _escalate(
                    services, session, ticket, "first_response", level
                )
                queued += told
        hours = settings.resolution_hours.get(ticket.priority)
        waiting = ticket.status == Status.WAITING_ON_MEMBER.value
        if hours is not None and not waiting:
            working_since = ticket.created_at + timedelta(seconds=ticket.waited_seconds)
            level = _level(now, working_since, timedelta(hours=hours))
            if level > ticket.resolution_escalation:
                told, ticket.resolution_escalation = await _escalate(
                    services, session, ticket, "resolution", level
                )
                queued += told
    return queued


async def _escalate(
    services: Services, session: AsyncSession, ticket: Ticket, target: str, level: int
) -> tuple[int, int]:
    """Every level up to ``level`` not yet told is told now (a sweep may run late).

    Returns what was queued and the level now done. A founder the bot cannot reach yet (they
    never talked to it) leaves the founder level undone, so a later sweep tells them once
    they have; founders already told are not told twice (one outbox key each).
    """
    settings = services.settings.section(TicketSettings)
    now = services.clock.now()
    hours = (
        settings.first_response_hours if target == "first_response" else settings.resolution_hours
    )[ticket.priority]
    context = {"ticket": ticket, "target": target, "hours": f"{hours:g}"}
    queued = 0
    done = (
        ticket.response_escalation if target == "first_response" else ticket.resolution_escalation
    )
    reached = level
    if done < TO_CHANNEL <= level:
        root = staff_root(settings, Platform(ticket.staff_platform or ticket.platform))
        if root is not None:
            key = service.outbox_key(ticket.id, "breach", target, TO_CHANNEL)
            reply = Reply("tickets/breach", context)
            queued += await services.notifier.to_place(session, root, reply, key)
    if done < TO_FOUNDER <= level:
        founders, unknown = await _founders(session, services.settings.roles.founders)
        for founder_id in founders:
            key = service.outbox_key(ticket.id, "breach", target, TO_FOUNDER, founder_id)
            reply = Reply("tickets/breach_founder", context)
            queued += await services.notifier.to_member(session, founder_id, reply, key)
        if unknown:
            reached = TO_CHANNEL
    if queued or reached > done:
        await service.record(session, ticket, "breach", None, now, target=target, level=level)
    return queued, reached


async def _founders(session: AsyncSession, founders: list[str]) -> tuple[list[int], bool]:
    """Members behind the configured founder accounts who have talked to the bot, and whether
    some founder has not yet."""
    found: list[int] = []
    unknown = False
    for who in founders:
        platform, _, user_id = who.partition(":")
        member_id = await session.scalar(
            select(Identity.member_id).where(
                Identity.platform == platform, Identity.platform_user_id == user_id
            )
        )
        if member_id is None:
            # Start-up already warned the operator; this runs every few minutes.
            log.debug("founder %s has not talked to the bot yet; escalation DM waits", who)
            unknown = True
        elif member_id not in found:
            found.append(member_id)
    return found, unknown


async def follow_up_quiet_tickets(services: Services, session: AsyncSession) -> int:
    """Tickets waiting on the member are warned, then closed if they stay quiet."""
    settings = services.settings.section(TicketSettings)
    now = services.clock.now()
    queued = 0
    waiting = await session.scalars(
        select(Ticket).where(
            Ticket.status == Status.WAITING_ON_MEMBER.value,
            Ticket.waiting_since <= now - timedelta(days=settings.inactive_warn_days),
        )
    )
    for ticket in waiting:
        assert ticket.waiting_since is not None
        if now >= ticket.waiting_since + timedelta(days=settings.inactive_close_days):
            queued += await _close_quiet(services, session, ticket, settings)
        elif ticket.warned_at is None:
            ticket.warned_at = now
            await service.record(session, ticket, "warned", None, now)
            key = service.outbox_key(ticket.id, "warned", ticket.waiting_since.isoformat())
            reply = Reply(
                "tickets/inactive_warning",
                {
                    "ticket": ticket,
                    "hours": _whole_hours(
                        settings.inactive_close_days - settings.inactive_warn_days
                    ),
                },
                locale=ticket.locale,
            )
            assert ticket.member_id is not None, "a forgotten member's tickets are closed"
            queued += await services.notifier.to_member(session, ticket.member_id, reply, key)
    return queued


def _whole_hours(days: float) -> int:
    """Half a day reads as 12 hours, not "0.5 days"; at least an hour is left to answer."""
    return max(1, round(days * 24))


async def _close_quiet(
    services: Services, session: AsyncSession, ticket: Ticket, settings: TicketSettings
) -> int:
    now = services.clock.now()
    waited = ticket.waiting_since
    await service.close(session, ticket, None, "inactive", now)
    key = service.outbox_key(ticket.id, "closed", "inactive", waited)
    reply = Reply(
        "tickets/closed_inactive",
        {"ticket": ticket, "days": settings.reopen_days},
        locale=ticket.locale,
    )
    assert ticket.member_id is not None, "a forgotten member's tickets are closed"
    queued = int(await services.notifier.to_member(session, ticket.member_id, reply, key))
    place = staff_place(ticket)
    if place is not None:
        note = Reply("tickets/staff_closed", {"ticket": ticket, "reason": "inactive"})
        queued += await services.notifier.to_place(
            session, place, note, service.outbox_key(ticket.id, "staff_closed", waited)
        )
    return queued


async def close_resolved(services: Services, session: AsyncSession) -> int:
    """Resolved tickets nobody reopened are closed (and archived) after the reopen window."""
    settings = services.settings.section(TicketSettings)
    now = services.clock.now()
    resolved = await session.scalars(
        select(Ticket).where(
            Ticket.status == Status.RESOLVED.value,
            Ticket.resolved_at <= now - timedelta(days=settings.reopen_days),
        )
    )
    count = 0
    for ticket in resolved:
        await service.close(session, ticket, None, "resolved", now)
        count += 1
    return count
