"""``SegmentsService``: members' segments and engagement scores, computed by a sweep and kept
in ``member_segments`` so ``/member`` reads one row. ``services.get(SegmentsService)``."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import Select, delete, func, insert, select
from sqlalchemy.ext.asyncio import AsyncSession

from core.context import Services
from core.features.analytics.service import AnalyticsService
from core.features.segments import gather
from core.features.segments.clusters import NAMES, Segmentation, scores, segment
from core.features.segments.models import MemberSegment
from core.features.segments.settings import SegmentSettings

WEIGHTS = ("recency", "frequency", "breadth", "points", "solutions", "events")


@dataclass(frozen=True)
class MemberView:
    """What ``/member`` shows: the member's segment and score, and when they were found."""

    segment: str
    score: float
    computed_at: datetime


@dataclass(frozen=True)
class Summary:
    members: int
    segmentation: Segmentation | None
    mean_scores: tuple[float, ...]
    """Each segment's mean engagement score, in segment order."""


class SegmentsService:
    def __init__(self, services: Services) -> None:
        self._services = services

    @property
    def settings(self) -> SegmentSettings:
        return self._services.settings.section(SegmentSettings)

    async def segment_of(self, session: AsyncSession, member_id: int) -> MemberView | None:
        """None until the sweep has run, and for a member who never joined a place it sees."""
        row = await session.get(MemberSegment, member_id)
        return None if row is None else MemberView(row.segment, row.score, row.computed_at)

    def members_in(self, *segments: str) -> Select[int]:
        """The ids of members in any of ``segments`` (names from ``clusters.NAMES``: win-back
        and experiments target "quiet_readers", say), as a query: a filter
        (``Member.id.in_(...)``) for 100,000 members without loading them, or run as is."""
        unknown = set(segments) - set(NAMES)
        if unknown:
            raise ValueError(f"no segment named {sorted(unknown)}; segments: {NAMES}")
        return select(MemberSegment.member_id).where(MemberSegment.segment.in_(segments))

    async def stale(self, session: AsyncSession, now: datetime) -> bool:
        latest = await session.scalar(select(func.max(MemberSegment.computed_at)))
        return latest is None or latest <= now - timedelta(hours=self.settings.refresh_hours)

    async def refresh(self, session: AsyncSession) -> Summary:
        """Every member's figures, score and segment computed again and saved. Flushes."""
        settings = self.settings
        analytics = self._services.get(AnalyticsService)
        await analytics.refresh()
        last = analytics.today().toordinal()
        first = last - settings.days + 1
        ids, values = await gather.figures(
            session, first, last, analytics.day_of.start(first), analytics.day_of.start(last + 1)
        )
        weights = {name: float(getattr(settings, name)) for name in WEIGHTS}
        scored = scores(values, settings.days, weights)
        found = await asyncio.to_thread(segment, values, settings.seed)
        now = self._services.clock.now()
        await session.execute(delete(MemberSegment))
        if found is not None and len(ids):
            await session.execute(
                insert(MemberSegment),
                [
                    {
                        "member_id": int(member_id),
                        "segment": found.names[int(label)],
                        "score": float(score),
                        "computed_at": now,
                    }
                    for member_id, label, score in zip(ids, found.labels, scored, strict=True)
                ],
            )
        await session.flush()
        means = (
            tuple(float(scored[found.labels == i].mean()) for i in range(found.k))
            if found is not None
            else ()
        )
        return Summary(len(ids), found, means)
