"""/faq stats: how much the FAQ takes off the team, for moderators."""

from __future__ import annotations

from core.context import Context
from core.events import Reply, Role, Visibility
from core.features.faq import stats
from core.registry import ArgSpec, ArgType, Registry

registry = Registry("faq")

DEFAULT_DAYS = 7
MAX_DAYS = 365


@registry.command(
    "faq stats", ArgSpec("days", ArgType.INTEGER, required=False), min_role=Role.MODERATOR
)
async def faq_stats(ctx: Context, days: int = DEFAULT_DAYS) -> Reply:
    """Questions, answers, votes and deflection over the last days."""
    days = min(max(days, 1), MAX_DAYS)
    figures = await stats.period_stats(ctx.session, days=days, now=ctx.now)
    rate = figures.deflection_rate
    return Reply(
        "faq/stats",
        {
            "stats": figures,
            "days": days,
            "rate": None if rate is None else round(rate * 100),
        },
        visibility=Visibility.PRIVATE,
    )
