"""``AnalyticsService``: what other features (the digest) and the chat and shell read.

``services.get(AnalyticsService)`` gives it. ``refresh()`` brings the rollups up to date;
``kpis(start, end)`` returns every figure of a window of calendar days (both included, in
the community's zone) as plain dataclasses: per-day activity series and retention cohorts
per platform and together, the other features' figures, and the headline figures with
their targets and the previous period of the same length.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import TYPE_CHECKING

from sqlalchemy.ext.asyncio import AsyncSession

from core.activity import ActivityLog
from core.clock import Clock
from core.context import Services
from core.contributions import FigureSource, Period
from core.db.engine import Database
from core.features.analytics import activity as act
from core.features.analytics.activity import ALL, PlatformActivity
from core.features.analytics.others import (
    FeatureFigures,
    ThemeSource,
    feature_figures,
    funnel_milestones,
    theme_finder,
)
from core.features.analytics.rollup import DayOf, roll_up
from core.features.analytics.settings import LOWER_IS_BETTER, KpiSettings
from core.settings import Settings

if TYPE_CHECKING:
    from core.features.feedback.themes import ThemeFinder

REFRESH_ROWS = 200_000
"""Activity rows per committed pass of ``refresh``: a restart loses at most one pass."""


@dataclass(frozen=True)
class Kpi:
    """One headline figure of the window, the previous window's and its target."""

    name: str
    value: float | None
    previous: float | None
    target: float | None

    @property
    def change(self) -> float | None:
        if self.value is None or self.previous is None:
            return None
        return self.value - self.previous

    @property
    def progress(self) -> float | None:
        """Value / target (for figures where lower is better, target / value)."""
        if self.value is None or not self.target:
            return None
        if self.name in LOWER_IS_BETTER:
            return self.target / self.value if self.value else 1.0
        return self.value / self.target

    @property
    def met(self) -> bool | None:
        if self.value is None or self.target is None:
            return None
        if self.name in LOWER_IS_BETTER:
            return self.value <= self.target
        return self.value >= self.target


@dataclass(frozen=True)
class Kpis:
    start: date
    end: date
    today: date
    """The community's today (not over yet)."""
    platforms: dict[str, PlatformActivity]
    """Activity by platform name, and ``"all"`` for everyone together."""
    features: FeatureFigures
    headline: tuple[Kpi, ...]

    @property
    def together(self) -> PlatformActivity:
        return self.platforms[ALL]

    def kpi(self, name: str) -> Kpi:
        return next(k for k in self.headline if k.name == name)


def headline_values(figures: PlatformActivity, others: FeatureFigures) -> dict[str, float | None]:
    """A window's figures as one number each: averages of daily counts (DAU, stickiness),
    the last day's for rolling ones (WAU, MAU), totals for events."""
    days = figures.days
    sticky = [s for s in figures.stickiness.values() if s is not None]
    values: dict[str, float | None] = {
        "dau": sum(figures.dau.values()) / len(days) if days else None,
        "wau": float(figures.wau[days[-1]]) if days else None,
        "mau": float(figures.mau[days[-1]]) if days else None,
        "stickiness": sum(sticky) / len(sticky) if sticky else None,
        "new_members": float(sum(figures.new_members.values())),
        "activation": figures.activation_rate,
        "d1_retention": figures.retention(1),
        "d7_retention": figures.retention(7),
        "d30_retention": figures.retention(30),
        "churned": float(sum(figures.churned.values())),
    }
    values.update(others.numbers())
    return values


class AnalyticsService:
    """``activity``: the bot's activity log, flushed before each refresh (the shell reads
    what is written); ``themes``: the feedback themes finder, when feedback is installed;
    ``sources``: the features contributing figures (``core.contributions``)."""

    def __init__(
        self,
        settings: Settings,
        database: Database,
        clock: Clock,
        *,
        activity: ActivityLog | None = None,
        themes: ThemeSource | None = None,
        sources: Callable[[], Sequence[FigureSource]] = tuple,
    ) -> None:
        self._settings = settings
        self._database = database
        self._clock = clock
        self._activity = activity
        self._themes = themes
        self._sources = sources
        self.day_of = DayOf(settings.locale.timezone)

    @classmethod
    def of(cls, services: Services) -> AnalyticsService:
        """The bot's: flushes its activity log, finds feedback themes if feedback is there."""
        return cls(
            services.settings,
            services.database,
            services.clock,
            activity=services.activity,
            themes=lambda: theme_finder(services),
            sources=lambda: services.every(FigureSource),
        )

    @property
    def targets(self) -> dict[str, float]:
        return self._settings.section(KpiSettings).targets()

    def today(self) -> date:
        return date.fromordinal(self.day_of(self._clock.now()))

    def period(self, start: date, end: date) -> Period:
        """The days ``start``..``end`` as the contributing features are asked about them."""
        return Period(
            start,
            end,
            self.day_of.start(start.toordinal()),
            self.day_of.start(end.toordinal() + 1),
            self._clock.now(),
        )

    def last_days(self, days: int) -> tuple[date, date]:
        """The window of ``days`` days ending today."""
        end = self.today()
        return end - timedelta(days=days - 1), end

    async def refresh(self) -> int:
        """Brings the rollups up to date with the activity log; the rows folded in."""
        if self._activity is not None:
            await self._activity.flush()
        total = 0
        while True:
            async with self._database.session() as session:
                done = await roll_up(session, self._settings.locale.timezone, limit=REFRESH_ROWS)
                await session.commit()
            total += done
            if done < REFRESH_ROWS:
                return total

    async def activity(self, start: date, end: date) -> dict[str, PlatformActivity]:
        """The rollups' figures for ``start``..``end`` only (no other feature's)."""
        async with self._database.session() as session:
            loaded = await act.load(session, start.toordinal() - act.MONTH, end.toordinal())
            reached = await funnel_milestones(session, self.day_of.end(end.toordinal()))
        today = self.day_of(self._clock.now())
        return {
            platform: act.figures(
                loaded, platform, start.toordinal(), end.toordinal(), today, reached
            )
            for platform in loaded.active
        }

    async def kpis(self, start: date, end: date, *, themes: bool = False) -> Kpis:
        """Every figure for ``start``..``end``, with the window just before it for change.
        ``themes``: also the feedback themes (clustering: slower)."""
        (found,) = await self.kpis_of([(start, end)], themes=themes)
        return found

    async def kpis_of(
        self,
        windows: Sequence[tuple[date, date]],
        *,
        themes: bool = False,
        platforms: bool = True,
    ) -> list[Kpis]:
        """Several windows' figures from one read of the rollups (the digest needs three:
        the last 30 days, yesterday, the same day a week before): reading 100,000 members'
        rollups is most of the work. ``themes``: the first window's feedback themes too;
        ``platforms``: each platform's figures beside everyone's (False: everyone's alone)."""
        today = self.day_of(self._clock.now())
        spans = [
            (start, end, start - timedelta(days=(end - start).days + 1)) for start, end in windows
        ]
        first = min(before for _, _, before in spans).toordinal() - act.MONTH
        last = max(end for _, end, _ in spans).toordinal()
        found = []
        async with self._database.session() as session:
            loaded = await act.load(session, first, last)
            for n, (start, end, before) in enumerate(spans):
                wanted = themes and n == 0 and self._themes is not None
                found.append(
                    await self._window(
                        session,
                        loaded,
                        (before, start, end, today),
                        themes=self._themes() if wanted and self._themes else None,
                        platforms=platforms,
                    )
                )
        return found

    async def _window(
        self,
        session: AsyncSession,
        loaded: act.Loaded,
        days: tuple[date, date, date, int],
        *,
        themes: ThemeFinder | None,
        platforms: bool,
    ) -> Kpis:
        before, start, end, today = days
        first, last = start.toordinal(), end.toordinal()
        reached = await funnel_milestones(session, self.day_of.end(last))
        reached_before = await funnel_milestones(session, self.day_of.end(first - 1))
        sources = self._sources()
        others = await feature_figures(
            session, self.period(start, end), themes=themes, sources=sources
        )
        others_before = await feature_figures(
            session, self.period(before, start - timedelta(days=1)), sources=sources
        )
        names = loaded.active if platforms else (ALL,)
        figures = {
            platform: act.figures(loaded, platform, first, last, today, reached)
            for platform in names
        }
        previous = act.figures(loaded, ALL, before.toordinal(), first - 1, today, reached_before)
        values = headline_values(figures[ALL], others)
        old = headline_values(previous, others_before)
        targets = self.targets
        headline = tuple(
            Kpi(name, value, old.get(name), targets.get(name)) for name, value in values.items()
        )
        return Kpis(start, end, date.fromordinal(today), figures, others, headline)
