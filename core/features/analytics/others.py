"""The other features' figures for a period, read through their own code where it exists.

Support and the FAQ come from ``tickets.figures.support_figures`` (the figures behind
/ticket stats, which include the FAQ's deflection), so /stats and /ticket stats never
disagree. A feature that is not installed leaves its figures out (None), as a feature that
has not landed yet is absent from the digest. Features that come later contribute theirs
through ``core.contributions.FigureSource`` (win-back's sent, converted and lift) instead of
being named here.
"""

from __future__ import annotations

import importlib.util
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from core.context import Services
from core.contributions import FigureSource, Period
from core.features.analytics.rollup import DayOf

if TYPE_CHECKING:
    from core.features.feedback.themes import ThemeFinder

THEMES = 3
ThemeSource = Callable[[], "ThemeFinder | None"]


@dataclass(frozen=True)
class FeatureFigures:
    """What the other features did in ``[start, end)``; None where a feature is absent."""

    questions_asked: int | None = None
    questions_answered: int | None = None
    questions_declined: int | None = None
    deflection: float | None = None
    tickets_opened: int | None = None
    backlog: int | None = None
    first_response_hours: float | None = None
    resolution_hours: float | None = None
    sla_breaches: int | None = None
    csat: float | None = None
    feedback_received: int | None = None
    feedback_shipped: int | None = None
    feedback_themes: tuple[str, ...] | None = None
    rsvps: int | None = None
    attendance: int | None = None
    survey_average: float | None = None
    reputation_given: int | None = None
    badges_awarded: int | None = None
    stages: dict[str, int] | None = None
    """Members in each lifecycle stage at the period's end (from the stage changes)."""
    stage_changes: dict[str, int] | None = None
    """Members who moved into each stage during the period."""
    contributed: Mapping[str, object] = field(default_factory=dict)
    """What features offering a ``FigureSource`` reported, by their names."""

    def numbers(self) -> dict[str, float | None]:
        """Each single-number figure by name (the headline's candidates)."""
        found: dict[str, float | None] = {}
        for name, value in [*vars(self).items(), *self.contributed.items()]:
            if isinstance(value, bool):
                continue
            if isinstance(value, int | float):
                found[name] = float(value)
            elif value is None and name not in NOT_NUMBERS:
                found[name] = None
        return found


NOT_NUMBERS = ("feedback_themes", "stages", "stage_changes")


def _installed(feature: str) -> bool:
    return importlib.util.find_spec(f"core.features.{feature}") is not None


def theme_finder(services: Services) -> ThemeFinder | None:
    """Feedback's themes finder, when feedback is installed."""
    if not _installed("feedback"):
        return None
    from core.features.feedback.service import FeedbackService

    try:
        return services.get(FeedbackService).themes
    except LookupError:
        return None


async def feature_figures(
    session: AsyncSession,
    period: Period,
    *,
    themes: ThemeFinder | None = None,
    sources: Sequence[FigureSource] = (),
) -> FeatureFigures:
    """``themes``: also cluster the period's feedback with it into its top themes (slower);
    ``sources``: the contributing features'."""
    start, end, now = period.start_at, period.end_at, period.now
    found: dict[str, object] = {}
    if _installed("tickets"):
        found.update(await _support(session, start, end, now))
    if _installed("feedback"):
        found.update(await _feedback(session, start, end, now, themes))
    if _installed("events"):
        found.update(await _events(session, start, end))
    if _installed("reputation"):
        found.update(await _reputation(session, start, end))
    if _installed("badges"):
        found.update(await _badges(session, start, end))
    if _installed("lifecycle"):
        found.update(await _stages(session, start, end, now))
    contributed: dict[str, object] = {}
    for source in sources:
        contributed.update(await source.figures(session, period))
    return FeatureFigures(**found, contributed=contributed)  # type: ignore[arg-type]


def _hours(value: timedelta | None) -> float | None:
    return None if value is None else round(value.total_seconds() / 3600, 2)


async def _support(
    session: AsyncSession, start: datetime, end: datetime, now: datetime
) -> dict[str, object]:
    from core.features.faq import stats as faq_stats
    from core.features.tickets.figures import support_figures

    support = await support_figures(session, start, end, now=now)
    faq = await faq_stats.compute(session, start=start, end=end, now=now)
    timed = [t for t in support.times if t.tickets]
    first = [t.median_first_response for t in timed if t.median_first_response is not None]
    resolved = [t.median_resolution for t in timed if t.median_resolution is not None]
    return {
        "questions_asked": faq.asked,
        "questions_answered": faq.answered,
        "questions_declined": faq.declined,
        "deflection": support.deflection,
        "tickets_opened": support.opened,
        "backlog": support.backlog,
        "first_response_hours": _hours(max(first)) if first else None,
        "resolution_hours": _hours(max(resolved)) if resolved else None,
        "sla_breaches": support.breached,
        "csat": support.csat_average,
    }


async def _feedback(
    session: AsyncSession,
    start: datetime,
    end: datetime,
    now: datetime,
    themes: ThemeFinder | None,
) -> dict[str, object]:
    from core.features.feedback.models import FeedbackItem
    from core.features.feedback.status import Status

    received = await session.scalar(
        select(func.count())
        .select_from(FeedbackItem)
        .where(FeedbackItem.created_at >= start, FeedbackItem.created_at < end)
    )
    shipped = await session.scalar(
        select(func.count())
        .select_from(FeedbackItem)
        .where(
            FeedbackItem.status == Status.COMPLETED.value,
            FeedbackItem.updated_at >= start,
            FeedbackItem.updated_at < end,
        )
    )
    labels: tuple[str, ...] | None = None
    if themes is not None:
        report = await themes.report(session, now, max((end - start).days, 1))
        labels = tuple(" · ".join(theme.label) for theme in report.themes[:THEMES])
    return {"feedback_received": received, "feedback_shipped": shipped, "feedback_themes": labels}


async def _events(session: AsyncSession, start: datetime, end: datetime) -> dict[str, object]:
    from core.features.events.models import Event, Rsvp
    from core.features.events.service import Answer

    rsvps = await session.scalar(
        select(func.count())
        .select_from(Rsvp)
        .where(
            Rsvp.answered_at >= start,
            Rsvp.answered_at < end,
            Rsvp.status.in_([Answer.GOING.value, Answer.MAYBE.value]),
        )
    )
    held = select(Event.id).where(Event.starts_at >= start, Event.starts_at < end)
    attendance = await session.scalar(
        select(func.count())
        .select_from(Rsvp)
        .where(Rsvp.event_id.in_(held), Rsvp.checked_in_at.is_not(None))
    )
    survey = await session.scalar(
        select(func.avg(Rsvp.survey_score)).where(
            Rsvp.event_id.in_(held), Rsvp.survey_score.is_not(None)
        )
    )
    return {
        "rsvps": rsvps,
        "attendance": attendance,
        "survey_average": None if survey is None else round(float(survey), 2),
    }


async def _reputation(session: AsyncSession, start: datetime, end: datetime) -> dict[str, object]:
    from core.features.reputation.models import RepEntry

    given = await session.scalar(
        select(func.coalesce(func.sum(RepEntry.points), 0)).where(
            RepEntry.at >= start,
            RepEntry.at < end,
            RepEntry.giver_id.is_not(None),
            RepEntry.points > 0,
        )
    )
    return {"reputation_given": given}


async def _badges(session: AsyncSession, start: datetime, end: datetime) -> dict[str, object]:
    from core.features.badges.models import MemberBadge

    awarded = await session.scalar(
        select(func.count())
        .select_from(MemberBadge)
        .where(MemberBadge.earned_at >= start, MemberBadge.earned_at < end)
    )
    return {"badges_awarded": awarded}


async def _stages(
    session: AsyncSession, start: datetime, end: datetime, now: datetime
) -> dict[str, object]:
    """At a past end, each member's last change before it; at an end not yet reached, the
    stage rows themselves (one indexed count, where the changes would be read whole)."""
    from core.features.lifecycle.models import MemberStage, StageChange

    if end >= now:
        at_end = await session.execute(
            select(MemberStage.stage, func.count()).group_by(MemberStage.stage)
        )
    else:
        latest = (
            select(StageChange.member_id, func.max(StageChange.id).label("last"))
            .where(StageChange.at < end)
            .group_by(StageChange.member_id)
            .subquery()
        )
        at_end = await session.execute(
            select(StageChange.to_stage, func.count())
            .join(latest, StageChange.id == latest.c.last)
            .group_by(StageChange.to_stage)
        )
    moved = await session.execute(
        select(StageChange.to_stage, func.count(func.distinct(StageChange.member_id)))
        .where(StageChange.at >= start, StageChange.at < end)
        .group_by(StageChange.to_stage)
    )
    return {
        "stages": {stage: count for stage, count in at_end},
        "stage_changes": {stage: count for stage, count in moved},
    }


async def daily_counts(
    session: AsyncSession, days: Sequence[int], day_of: DayOf
) -> dict[str, list[float]]:
    """Questions asked and declined and tickets opened on each of ``days`` (consecutive
    day numbers): one query per feature for the whole
    window, where ``feature_figures`` day by day would read every feature once a day. A
    question counts as declined when nothing in its thread was answered, as in the FAQ's
    figures."""
    index = {day: n for n, day in enumerate(days)}
    start, end = day_of.start(days[0]), day_of.start(days[-1] + 1)
    series: dict[str, list[float]] = {}

    def count(name: str, moments: Sequence[datetime]) -> None:
        found = series.setdefault(name, [0.0] * len(days))
        for at in moments:
            n = index.get(day_of(at))
            if n is not None:
                found[n] += 1

    if _installed("faq"):
        from sqlalchemy import exists
        from sqlalchemy.orm import aliased

        from core.features.faq.models import AnswerLog

        child = aliased(AnswerLog)
        answered = AnswerLog.answered | exists().where(
            child.parent_id == AnswerLog.id, child.answered.is_(True)
        )
        rows = (
            await session.execute(
                select(AnswerLog.asked_at, answered).where(
                    AnswerLog.parent_id.is_(None),
                    AnswerLog.asked_at >= start,
                    AnswerLog.asked_at < end,
                )
            )
        ).all()
        count("questions_asked", [at for at, _ in rows])
        count("questions_declined", [at for at, ok in rows if not ok])
    if _installed("tickets"):
        from core.features.tickets.models import Ticket

        opened = await session.scalars(
            select(Ticket.created_at).where(Ticket.created_at >= start, Ticket.created_at < end)
        )
        count("tickets_opened", list(opened))
    return series


async def funnel_milestones(session: AsyncSession, until: datetime) -> dict[str, set[int]]:
    """Members who had a question answered, and who finished onboarding, by ``until``."""
    reached: dict[str, set[int]] = {}
    if _installed("faq"):
        from core.features.faq.models import AnswerLog

        answered = await session.scalars(
            select(AnswerLog.member_id)
            .where(AnswerLog.answered.is_(True), AnswerLog.asked_at <= until)
            .distinct()
        )
        reached["question_answered"] = {m for m in answered if m is not None}
    if _installed("lifecycle"):
        from core.features.lifecycle.models import Onboarding

        finished = await session.scalars(
            select(Onboarding.member_id).where(Onboarding.finished_at <= until)
        )
        reached["onboarding_done"] = set(finished)
    return reached
