"""The support desk in chat: every ticket command, button, relay and sweep, on one registry."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy.ext.asyncio import AsyncSession

from core.context import Services
from core.features.tickets import desk, opening, panel, relay, staff, sweeps, unreachable
from core.features.tickets.chat import registry

__all__ = ["desk", "opening", "panel", "registry", "relay", "staff"]


@registry.sweep("tickets.sla", every=timedelta(minutes=5))
async def sla(services: Services, session: AsyncSession) -> int:
    """Breached first-response and resolution targets go to the support channel, then the
    founder."""
    return await sweeps.escalate_breaches(services, session)


@registry.sweep("tickets.quiet", every=timedelta(minutes=30))
async def quiet(services: Services, session: AsyncSession) -> int:
    """Tickets waiting on a silent member are warned, then closed."""
    return await sweeps.follow_up_quiet_tickets(services, session)


@registry.sweep("tickets.archive", every=timedelta(hours=1))
async def archive(services: Services, session: AsyncSession) -> int:
    """Resolved tickets nobody reopened are closed with their transcript."""
    return await sweeps.close_resolved(services, session)


@registry.sweep("tickets.unreachable", every=timedelta(minutes=5))
async def unreachable_members(services: Services, session: AsyncSession) -> int:
    """Staff hear when a ticket's member blocked the bot, so nobody waits on them unknowingly."""
    return await unreachable.tell_staff(services, session)
