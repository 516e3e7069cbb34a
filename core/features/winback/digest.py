"""Win-back's figures for analytics (``winback_*`` in the KPIs and ``townhall stats --json``)
and its lines in the founder's digest, offered through ``core.contributions``."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import timedelta
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from core.contributions import DigestSection, FigureSource, Period
from core.features.winback.stats import WinbackService

DIGEST_DAYS = 30
"""The digest reports the last 30 days: a day's messages are too few, and their conversions
take ``convert_days`` to come in."""


class WinbackFigureSource(FigureSource):
    def __init__(self, service: WinbackService) -> None:
        self._service = service

    async def figures(self, session: AsyncSession, period: Period) -> Mapping[str, Any]:
        found = await self._service.figures(session, period.start_at, period.end_at)
        return {
            "winback_sent": found.sent,
            "winback_converted": found.converted,
            "winback_conversion": found.rate,
            "winback_held_out": found.held_out,
            "winback_lift": found.lift,
            "winback_opt_outs": found.opt_outs,
        }


class WinbackSection(DigestSection):
    template = "winback/digest"
    order = 40

    def __init__(self, service: WinbackService) -> None:
        self._service = service

    async def gather(
        self, session: AsyncSession, period: Period, *, weekly: bool
    ) -> Mapping[str, Any] | None:
        start = period.end_at - timedelta(days=DIGEST_DAYS)
        found = await self._service.figures(session, start, period.end_at)
        if not (found.sent or found.held_out):
            return None
        return {"figures": found, "days": DIGEST_DAYS}
