"""What a founder's digest says, gathered once per pass and worded per founder.

The figures are the analytics service's (``AnalyticsService.kpis``): the digest computes no
KPI of its own. A daily digest is about yesterday in the community's time zone (the last
whole day wherever the founder is): counts against the same weekday a week before (Mondays
differ from Saturdays), rates and ratings over 30 days against the 30 days before, since one
day holds too few ratings or finished cohorts to mean anything. A weekly digest (Mondays) is
about the seven days to Sunday against the seven before. Sections of features that are not
installed are simply absent: besides the figures, a feature that has something to tell the
founder offers a ``core.contributions.DigestSection`` and the digest shows what it gathers
(ambassador candidates, win-back results, decided experiments) without naming it.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from core.context import Services
from core.contributions import DigestSection, Period
from core.features.analytics.others import daily_counts
from core.features.analytics.service import AnalyticsService, Kpi, Kpis
from core.features.digest.anomalies import Anomaly, check
from core.features.digest.chart import ChartData, sparkline
from core.features.digest.settings import DigestSettings
from core.features.events import service as events
from core.features.events.models import Event
from core.features.events.views import view
from core.features.faq import stats as faq_stats

CHART_DAYS = 30
UNANSWERED = 3
UPCOMING = 5
UPCOMING_DAYS = 7
UNANSWERED_DAYS = 7
DAILY_COUNTS = ("dau", "new_members", "mau", "stickiness")
"""Figures of the day itself, against the same weekday a week before."""
MONTHLY_RATES = ("d7_retention", "deflection", "csat")
"""Figures over the last 30 days, against the 30 days before."""
WATCHED = ("dau", "new_members", "questions_asked", "questions_declined", "tickets_opened")
"""Daily figures checked for anomalies."""


@dataclass(frozen=True)
class Line:
    """One headline figure: its value, what it is compared with, and its target."""

    name: str
    value: float
    previous: float | None
    target: float | None
    progress: float | None
    basis: str
    """What ``previous`` is: ``weekday`` (a week before), ``month`` or ``week``."""

    @property
    def change(self) -> float | None:
        return None if self.previous is None else self.value - self.previous


@dataclass(frozen=True)
class Upcoming:
    event: Event
    going: int
    maybe: int


@dataclass(frozen=True)
class Section:
    """A contributed section's template and what its feature gathered for it."""

    template: str
    data: Mapping[str, Any]


@dataclass(frozen=True)
class Digest:
    weekly: bool
    start: date
    end: date
    headline: tuple[Line, ...]
    anomalies: tuple[Anomaly, ...]
    backlog: int | None
    breaches: int | None
    csat: float | None
    unanswered: tuple[faq_stats.UnansweredGroup, ...]
    themes: tuple[str, ...]
    upcoming: tuple[Upcoming, ...]
    chart: ChartData
    sections: tuple[Section, ...] = ()

    def context(self, zone: str) -> dict[str, Any]:
        """What the template reads; events are written in the founder's ``zone``."""
        return {
            "weekly": self.weekly,
            "start": _day(self.start),
            "end": _day(self.end),
            "headline": self.headline,
            "anomalies": self.anomalies,
            "support": {"backlog": self.backlog, "breaches": self.breaches, "csat": self.csat},
            "unanswered": self.unanswered,
            "themes": self.themes,
            "upcoming": [
                {"event": view(u.event, zone=zone), "going": u.going, "maybe": u.maybe}
                for u in self.upcoming
            ],
            "sections": [{"template": f"{s.template}.j2", "data": s.data} for s in self.sections],
            "zone": zone,
            "trend": {
                "active": sparkline(self.chart.active),
                "new": sparkline(self.chart.new),
                "days": len(self.chart.days),
            },
        }


def _day(value: date) -> dict[str, int]:
    return {"year": value.year, "month": value.month, "day": value.day, "weekday": value.weekday()}


async def assemble(services: Services, session: AsyncSession, *, weekly: bool) -> Digest:
    """The digest as of now: yesterday's (or last week's) figures, the chart's 30 days."""
    analytics = services.get(AnalyticsService)
    settings = services.settings.section(DigestSettings)
    await analytics.refresh()
    end = analytics.today() - timedelta(days=1)
    start = end - timedelta(days=6) if weekly else end
    history_days = max(CHART_DAYS, settings.anomaly_days + 1)
    week_ago = end - timedelta(days=7)
    month, period, *compared = await analytics.kpis_of(
        [(end - timedelta(days=history_days - 1), end), (start, end)]
        + ([] if weekly else [(week_ago, week_ago)]),
        themes=True,
        platforms=False,
    )
    if weekly:
        headline = _lines(period, None, month, basis="week")
        anomalies: tuple[Anomaly, ...] = ()
    else:
        headline = _lines(period, compared[0], month, basis="weekday")
        anomalies = await _anomalies(session, analytics, month, settings)
    now = services.clock.now()
    faq = await faq_stats.compute(
        session,
        start=analytics.day_of.start((end - timedelta(days=UNANSWERED_DAYS - 1)).toordinal()),
        end=analytics.day_of.start(end.toordinal() + 1),
        now=now,
    )
    together = month.together
    chart_days = together.days[-CHART_DAYS:]
    return Digest(
        weekly=weekly,
        start=start,
        end=end,
        headline=headline,
        anomalies=anomalies,
        backlog=period.features.backlog,
        breaches=period.features.sla_breaches,
        csat=month.features.csat,
        unanswered=faq.unanswered[:UNANSWERED],
        themes=month.features.feedback_themes or (),
        upcoming=await _upcoming(session, now),
        chart=ChartData(
            days=chart_days,
            active=tuple(together.dau[d] for d in chart_days),
            new=tuple(together.new_members[d] for d in chart_days),
            target=analytics.targets.get("dau"),
        ),
        sections=await _sections(services, session, analytics.period(start, end), weekly),
    )


async def _sections(
    services: Services, session: AsyncSession, period: Period, weekly: bool
) -> tuple[Section, ...]:
    contributors = sorted(services.every(DigestSection), key=lambda s: s.order)
    found = []
    for contributor in contributors:
        data = await contributor.gather(session, period, weekly=weekly)
        if data:
            found.append(Section(contributor.template, data))
    return tuple(found)


def _lines(period: Kpis, compared: Kpis | None, month: Kpis, *, basis: str) -> tuple[Line, ...]:
    """The headline: the usual figures, then any other that has a target."""
    names = [*DAILY_COUNTS, *MONTHLY_RATES]
    names += [k.name for k in period.headline if k.target is not None and k.name not in names]
    lines = []
    for name in names:
        if name in MONTHLY_RATES:
            kpi, previous, line_basis = month.kpi(name), month.kpi(name).previous, "month"
        else:
            kpi = period.kpi(name)
            previous = kpi.previous if compared is None else compared.kpi(name).value
            line_basis = basis
        if kpi.value is not None:
            lines.append(_line(kpi, previous, line_basis))
    return tuple(lines)


def _line(kpi: Kpi, previous: float | None, basis: str) -> Line:
    return Line(kpi.name, kpi.value or 0.0, previous, kpi.target, kpi.progress, basis)


async def _anomalies(
    session: AsyncSession,
    analytics: AnalyticsService,
    month: Kpis,
    settings: DigestSettings,
) -> tuple[Anomaly, ...]:
    """Each watched figure of the last day against the days before it, from the first day
    anyone was active (days before the community existed are not "usual")."""
    together = month.together
    active = [d for d in together.days if together.dau[d]]
    days = [d for d in together.days if active and d >= active[0]]
    if len(days) <= settings.anomaly_days:
        return ()
    window = [d.toordinal() for d in days[-(settings.anomaly_days + 1) :]]
    series = await daily_counts(session, window, analytics.day_of)
    series["dau"] = [together.dau[d] for d in days]
    series["new_members"] = [together.new_members[d] for d in days]
    found = []
    for name in WATCHED:
        values = series.get(name, [])
        if not values:
            continue
        anomaly = check(
            name,
            values[:-1],
            values[-1],
            days=settings.anomaly_days,
            mads=settings.anomaly_mads,
            min_count=settings.anomaly_min_count,
        )
        if anomaly is not None:
            found.append(anomaly)
    return tuple(found)


async def _upcoming(session: AsyncSession, now: datetime) -> tuple[Upcoming, ...]:
    found = await session.scalars(
        select(Event)
        .where(
            Event.cancelled_at.is_(None),
            Event.starts_at > now,
            Event.starts_at <= now + timedelta(days=UPCOMING_DAYS),
        )
        .order_by(Event.starts_at)
        .limit(UPCOMING)
    )
    upcoming = []
    for event in found:
        counts = await events.counts(session, event.id)
        upcoming.append(Upcoming(event, counts.going, counts.maybe))
    return tuple(upcoming)
