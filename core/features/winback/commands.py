"""The moderators' view of win-back: ``/winback stats [days]`` and ``/winback preview NAME``."""

from __future__ import annotations

from datetime import timedelta

from core.context import Context
from core.events import Reply, Role, Visibility
from core.features.tickets.chat import member_named
from core.features.winback import preview as previewing
from core.features.winback.settings import WinbackSettings
from core.features.winback.stats import WinbackService
from core.registry import ArgSpec, ArgType, Registry

registry = Registry("winback")
DAYS = 30


@registry.command(
    "winback stats",
    ArgSpec("days", ArgType.INTEGER, required=False, description="how far back, in days"),
    min_role=Role.MODERATOR,
)
async def stats(ctx: Context, days: int = DAYS) -> Reply:
    """Win-back messages sent, converted, the rate, the lift over the holdout, opt-outs."""
    days = max(1, min(days, 3650))
    await ctx.services.activity.flush()
    figures = await ctx.services.get(WinbackService).figures(
        ctx.session, ctx.now - timedelta(days=days), ctx.now + timedelta(seconds=1)
    )
    convert_days = ctx.services.settings.section(WinbackSettings).convert_days
    return Reply(
        "winback/stats",
        {"days": days, "figures": figures, "convert_days": convert_days},
        visibility=Visibility.PRIVATE,
    )


@registry.command(
    "winback preview",
    ArgSpec("name", ArgType.WORD, description="a member's name or account id"),
    min_role=Role.MODERATOR,
)
async def preview(ctx: Context, name: str) -> Reply:
    """Exactly what a member would get now and why, or why nothing."""
    member = await member_named(ctx, name)
    if member is None:
        return Reply("lifecycle/who", {"who": name}, visibility=Visibility.PRIVATE)
    await ctx.services.activity.flush()
    context = await previewing.preview(
        ctx.services, ctx.session, member, ctx.place.platform, ctx.now
    )
    return Reply("winback/preview", context, visibility=Visibility.PRIVATE)
