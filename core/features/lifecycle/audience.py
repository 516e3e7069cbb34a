"""``StagesService``: whom a feature may target by lifecycle stage (win-back, experiments),
and a member's stage. ``services.get(StagesService)``; segments are ``SegmentsService``'s."""

from __future__ import annotations

from sqlalchemy import Select, select
from sqlalchemy.ext.asyncio import AsyncSession

from core.features.lifecycle.models import MemberStage
from core.features.lifecycle.stages import Stage


class StagesService:
    def members_in(self, *stages: Stage | str) -> Select[int]:
        """The ids of members now in any of ``stages``, as a query: a filter
        (``Member.id.in_(...)``) for 100,000 members without loading them, or run as is."""
        names = [Stage(stage).value for stage in stages]
        return select(MemberStage.member_id).where(MemberStage.stage.in_(names))

    async def stage_of(self, session: AsyncSession, member_id: int) -> Stage | None:
        """None until the daily sweep has placed the member."""
        row = await session.get(MemberStage, member_id)
        return None if row is None else Stage(row.stage)
