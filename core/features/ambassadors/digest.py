"""The founder's digest names the best ambassador candidates who have not been invited yet:
the people worth a personal word this week, without opening ``/ambassador candidates``."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from core.contributions import DigestSection, Period
from core.features.ambassadors import scoring
from core.features.ambassadors.settings import AmbassadorsSettings
from core.settings import Settings

SHOWN = 3


class CandidatesSection(DigestSection):
    template = "ambassadors/digest"
    order = 30

    def __init__(self, settings: Settings) -> None:
        self._settings = settings

    async def gather(
        self, session: AsyncSession, period: Period, *, weekly: bool
    ) -> Mapping[str, Any] | None:
        settings = self._settings.section(AmbassadorsSettings)
        found = await scoring.candidates(
            session, settings.min_reputation, period.now, settings.candidates_shown
        )
        waiting = [c for c in found if not c.invited][:SHOWN]
        return {"candidates": waiting} if waiting else None
