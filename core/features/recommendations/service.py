"""``RecommendationsService``: "you might like" for one member, for the features that write
to members (onboarding's welcome and nudges, win-back): ``services.get(RecommendationsService)
.for_member(session, member_id, n)``.

What members did is read from the other features' rows: events answered Going, knowledge-base
answers rated 👍, feedback submitted or backed, and the channels where they talk (the last
30 days of the activity log). Channels only inform the likeness; what is recommended
is something a member can act on now: an event still to come, an open feedback item, a
knowledge-base entry. The model is fitted again at most once per ``REFIT`` (by the core's
clock), off the event loop.
"""

from __future__ import annotations

import asyncio
from collections.abc import Collection
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from core.activity import ActivityEvent
from core.context import Services
from core.events import PlaceKind
from core.features.events.models import Event, Rsvp
from core.features.events.service import Answer
from core.features.faq.models import AnswerLog
from core.features.faq.service import FaqService
from core.features.feedback.models import FeedbackItem, FeedbackVote
from core.features.feedback.status import OPEN
from core.features.recommendations.model import Item, Model, fit

HISTORY = timedelta(days=180)
TALK_HISTORY = timedelta(days=30)
"""Channels from the activity log's last 30 days only: the log is by far the largest table."""
REFIT = timedelta(hours=1)
MIN_HISTORY = 2
"""Members with fewer choices than this get the most popular items."""
TALK = (PlaceKind.CHANNEL.value, PlaceKind.GROUP.value, PlaceKind.THREAD.value)


@dataclass(frozen=True)
class Recommendation:
    kind: str
    """``event``, ``faq`` or ``feedback``."""
    id: str
    title: str
    starts_at: datetime | None = None
    """An event's start."""


class RecommendationsService:
    def __init__(self, services: Services) -> None:
        self._services = services
        self._model: Model | None = None
        self._fitted_at: datetime | None = None
        self._lock = asyncio.Lock()

    async def for_member(
        self, session: AsyncSession, member_id: int, n: int = 3, *, locale: str | None = None
    ) -> list[Recommendation]:
        """Up to ``n`` things the member has not done and might like, best first."""
        model = await self._fitted(session)
        live = await self._live(session, locale)
        chosen = model.recommend(member_id, n, min_history=MIN_HISTORY, allowed=live)
        return [live[item] for item in chosen]

    async def _fitted(self, session: AsyncSession) -> Model:
        now = self._services.clock.now()
        async with self._lock:
            if self._model is None or self._fitted_at is None or now - self._fitted_at >= REFIT:
                pairs = await interactions(session, now - HISTORY, now - TALK_HISTORY)
                self._model = await asyncio.to_thread(fit, pairs)
                self._fitted_at = now
            return self._model

    async def _live(self, session: AsyncSession, locale: str | None) -> dict[Item, Recommendation]:
        now = self._services.clock.now()
        found: dict[Item, Recommendation] = {}
        events = await session.execute(
            select(Event.id, Event.title, Event.starts_at).where(
                Event.cancelled_at.is_(None), Event.starts_at > now
            )
        )
        for event_id, title, starts_at in events:
            found[("event", str(event_id))] = Recommendation(
                "event", str(event_id), title, starts_at
            )
        items = await session.execute(
            select(FeedbackItem.id, FeedbackItem.title).where(
                FeedbackItem.status.in_([s.value for s in OPEN])
            )
        )
        for item_id, title in items:
            found[("feedback", str(item_id))] = Recommendation("feedback", str(item_id), title)
        try:
            entries = self._services.get(FaqService).entries(locale)
        except LookupError:
            entries = []
        for entry in entries:
            found.setdefault(("faq", entry.id), Recommendation("faq", entry.id, entry.title))
        return found


async def interactions(
    session: AsyncSession, since: datetime, talk_since: datetime
) -> list[tuple[int, Item]]:
    """(member, item) for everything members chose since ``since`` (the channels where they
    talked since ``talk_since``)."""
    pairs: list[tuple[int, Item]] = []

    def add(kind: str, rows: Collection[tuple[int | None, object]]) -> None:
        pairs.extend((m, (kind, str(i))) for m, i in rows if m is not None and i is not None)

    add(
        "event",
        (
            await session.execute(
                select(Rsvp.member_id, Rsvp.event_id).where(
                    Rsvp.status == Answer.GOING.value, Rsvp.answered_at >= since
                )
            )
        ).all(),
    )
    add(
        "faq",
        (
            await session.execute(
                select(AnswerLog.member_id, AnswerLog.entry_id).where(
                    AnswerLog.vote == "up", AnswerLog.asked_at >= since
                )
            )
        ).all(),
    )
    add(
        "feedback",
        (await session.execute(select(FeedbackVote.member_id, FeedbackVote.item_id))).all(),
    )
    add(
        "feedback",
        (
            await session.execute(
                select(FeedbackItem.member_id, FeedbackItem.id).where(
                    FeedbackItem.created_at >= since
                )
            )
        ).all(),
    )
    add(
        "channel",
        (
            await session.execute(
                select(ActivityEvent.member_id, ActivityEvent.place_id)
                .where(
                    ActivityEvent.kind == "message",
                    ActivityEvent.place_kind.in_(TALK),
                    ActivityEvent.at >= talk_since,
                )
                .distinct()
            )
        ).all(),
    )
    return pairs
