"""/stats for moderators: the KPIs with sparklines and a chart, retention cohorts, the funnel.

Each command first brings the rollups up to date, so what a moderator sees includes the
last minute. Charts are drawn in a worker thread; the text beside them says the same for
places an image cannot go.
"""

from __future__ import annotations

import asyncio
from typing import Any

from core.context import Context
from core.events import Attachment, Reply, Role, Visibility
from core.features.analytics import charts
from core.features.analytics.activity import PlatformActivity
from core.features.analytics.service import AnalyticsService, Kpis
from core.features.analytics.settings import LOWER_IS_BETTER
from core.i18n import N_
from core.registry import ArgSpec, ArgType, Registry

registry = Registry("analytics")

PERIODS = {"7d": 7, "30d": 30, "90d": 90}
RETENTION_DAYS = 60
"""/stats retention and /stats funnel look at members who joined in this many days."""
RATES = frozenset(
    {
        "stickiness",
        "activation",
        "d1_retention",
        "d7_retention",
        "d30_retention",
        "deflection",
        "winback_conversion",
        "winback_lift",
    }
)
TRENDS = ("dau", "wau", "mau", "new_members")
DAU_LABEL = N_("Daily active members")
NEW_LABEL = N_("New members")
ACTIVE_LABEL = N_("Active members, last %(days)s days")
RETENTION_LABEL = N_("Share of each day's newcomers active on day N")


def _rows(kpis: Kpis) -> list[dict[str, Any]]:
    together = kpis.together
    rows = []
    for kpi in kpis.headline:
        if kpi.value is None:
            continue
        trend = getattr(together, kpi.name) if kpi.name in TRENDS else None
        rows.append(
            {
                "name": kpi.name,
                "rate": kpi.name in RATES,
                "value": kpi.value,
                "target": kpi.target,
                "progress": None if kpi.progress is None else round(kpi.progress * 100),
                "met": kpi.met,
                "change": kpi.change,
                "better": None
                if not kpi.change
                else (kpi.change < 0) == (kpi.name in LOWER_IS_BETTER),
                "spark": charts.sparkline(list(trend.values())) if trend else "",
            }
        )
    return rows


def _platforms(kpis: Kpis) -> list[dict[str, Any]]:
    return [
        {
            "platform": name,
            "dau": sum(figures.dau.values()) / len(figures.days),
            "mau": figures.mau[figures.days[-1]],
            "new": sum(figures.new_members.values()),
        }
        for name, figures in sorted(kpis.platforms.items())
        if name != "all"
    ]


@registry.command(
    "stats",
    ArgSpec("period", ArgType.CHOICE, required=False, choices=tuple(PERIODS)),
    min_role=Role.MODERATOR,
)
async def stats(ctx: Context, period: str = "30d") -> Reply:
    """Community KPIs with targets, trends and a chart (7d, 30d or 90d)."""
    service = ctx.services.get(AnalyticsService)
    await service.refresh()
    kpis = await service.kpis(*service.last_days(PERIODS[period]))
    translate = ctx.services.renderer.translate
    together = kpis.together
    dau, new = translate(DAU_LABEL, ctx.locale), translate(NEW_LABEL, ctx.locale)
    target = kpis.kpi("dau").target
    png = await asyncio.to_thread(
        charts.series_png,
        together.days,
        {dau: list(together.dau.values()), new: list(together.new_members.values())},
        title=translate(ACTIVE_LABEL, ctx.locale) % {"days": len(together.days)},
        targets={} if target is None else {dau: target},
    )
    return Reply(
        "analytics/stats",
        {
            "kpis": kpis,
            "days": len(together.days),
            "rows": _rows(kpis),
            "platforms": _platforms(kpis),
        },
        attachments=(Attachment("stats.png", png, "image/png"),),
        visibility=Visibility.PRIVATE,
    )


async def _recent(ctx: Context) -> PlatformActivity:
    """Everyone's figures over the last ``RETENTION_DAYS``, the rollups brought up to date."""
    service = ctx.services.get(AnalyticsService)
    await service.refresh()
    return (await service.activity(*service.last_days(RETENTION_DAYS)))["all"]


@registry.command("stats retention", min_role=Role.MODERATOR)
async def retention(ctx: Context) -> Reply:
    """Retention by join day: who came back 1, 7 and 30 days later."""
    together = await _recent(ctx)
    columns = ("D1", "D7", "D30")
    png = await asyncio.to_thread(
        charts.retention_png,
        together.cohorts,
        title=ctx.services.renderer.translate(RETENTION_LABEL, ctx.locale),
        columns=columns,
    )
    return Reply(
        "analytics/retention",
        {
            "cohorts": together.cohorts,
            "days": RETENTION_DAYS,
            "d1": together.retention(1),
            "d7": together.retention(7),
            "d30": together.retention(30),
        },
        attachments=(Attachment("retention.png", png, "image/png"),),
        visibility=Visibility.PRIVATE,
    )


@registry.command("stats funnel", min_role=Role.MODERATOR)
async def funnel(ctx: Context) -> Reply:
    """From joining to a second active week: the share kept at each step."""
    together = await _recent(ctx)
    return Reply(
        "analytics/funnel",
        {"steps": together.funnel, "days": RETENTION_DAYS},
        visibility=Visibility.PRIVATE,
    )
