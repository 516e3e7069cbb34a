"""Win-back in chat: the sweep on ``[winback] schedule``, "🔕 Stop these", and the
moderators' ``/winback pause`` and ``resume``."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import update
from sqlalchemy.ext.asyncio import AsyncSession

from core.context import Context, Services
from core.events import Reply, Role, Visibility
from core.features.winback import sweep as sweeping
from core.features.winback.content import STOP_ACTION
from core.features.winback.models import DROPPED, PLANNED, WinbackMessage, WinbackStop
from core.features.winback.settings import WinbackSettings
from core.registry import Registry

registry = Registry("winback")


def timetable(services: Services) -> tuple[str, str] | None:
    settings = services.settings.section(WinbackSettings)
    if not settings.enabled:
        return None
    return settings.schedule, services.settings.locale.timezone


@registry.sweep("winback", every=timedelta(minutes=5), cron=timetable)
async def run(services: Services, session: AsyncSession) -> int:
    """At each cycle of the schedule, and every few minutes for members whose hour has come."""
    await services.activity.flush()
    return await sweeping.sweep(services, session)


@registry.action(STOP_ACTION)
async def stop(ctx: Context, arg: str) -> Reply:
    """One press is enough; kept on the member, so none of their accounts hears again."""
    if await ctx.session.get(WinbackStop, ctx.member.id) is None:
        ctx.session.add(WinbackStop(member_id=ctx.member.id, at=ctx.now))
        await ctx.session.execute(
            update(WinbackMessage)
            .where(WinbackMessage.member_id == ctx.member.id, WinbackMessage.status == PLANNED)
            .values(status=DROPPED)
        )
        await ctx.session.flush()
    return Reply("winback/stopped", visibility=Visibility.PRIVATE)


@registry.command("winback pause", min_role=Role.MODERATOR)
async def pause(ctx: Context) -> Reply:
    """Stop sending win-back messages until /winback resume."""
    state = await sweeping.control(ctx.session)
    was = state.paused_at is not None
    if not was:
        state.paused_at, state.paused_by = ctx.now, ctx.member.id
    return Reply("winback/paused", {"paused": True, "already": was}, visibility=Visibility.PRIVATE)


@registry.command("winback resume", min_role=Role.MODERATOR)
async def resume(ctx: Context) -> Reply:
    """Send win-back messages again."""
    state = await sweeping.control(ctx.session)
    was = state.paused_at is None
    state.paused_at = state.paused_by = None
    enabled = ctx.services.settings.section(WinbackSettings).enabled
    return Reply(
        "winback/paused",
        {"paused": False, "already": was, "enabled": enabled},
        visibility=Visibility.PRIVATE,
    )
