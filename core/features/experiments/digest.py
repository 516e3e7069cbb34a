"""Experiments that reached a decision, in the founder's digest (``core.contributions``): one
still running whose variants differ (the founder may stop it for the winner), and one stopped
during the digest's period. One stopped earlier is old news."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from core.clock import as_utc
from core.contributions import DigestSection, Period
from core.features.experiments.service import ExperimentsService


class DecidedSection(DigestSection):
    template = "experiments/digest"
    order = 50

    def __init__(self, service: ExperimentsService) -> None:
        self._service = service

    async def gather(
        self, session: AsyncSession, period: Period, *, weekly: bool
    ) -> Mapping[str, Any] | None:
        found = []
        for report in await self._service.decided(session):
            at = report.stopped_at
            if at is not None and not period.start_at <= as_utc(at) < period.end_at:
                continue
            leader = report.leader
            found.append(
                {
                    "name": report.experiment.name,
                    "message": report.experiment.message,
                    "stopped": at is not None,
                    "winner": report.winner,
                    "verdict": report.verdict.value,
                    "leader": leader.variant if leader else None,
                    "lift": report.lift(leader) if leader else None,
                }
            )
        return {"experiments": found} if found else None
