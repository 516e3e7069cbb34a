"""What a feature adds to the community's figures and to the founder's digest, unnamed.

Analytics and the digest read every feature's numbers, yet must not import features that
come and go (win-back, experiments, ambassadors...). So a feature that has something to
report offers an object of one of these kinds among its services (``Feature.offers``), and
the readers find them all with ``services.every(FigureSource)`` or
``services.every(DigestSection)``. Removing the feature removes its lines; adding one touches
no reader. (Plain base classes, not ABCs: ``services.every`` takes the class itself.)
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession


@dataclass(frozen=True)
class Period:
    """A window of calendar days in the community's time zone, both ends included, and the
    same window as UTC moments ``[start_at, end_at)``."""

    start: date
    end: date
    start_at: datetime
    end_at: datetime
    now: datetime


class FigureSource:
    """Figures for ``AnalyticsService.kpis`` and ``townhall stats --json`` (under
    ``"features"``, and each single number under ``"kpis"`` with the previous period's).
    Names are the feature's own, prefixed with it (``winback_sent``), unique across
    features; a target for one needs its key added to ``[kpis]``."""

    async def figures(self, session: AsyncSession, period: Period) -> Mapping[str, Any]:
        """The period's figures by name; None for one that cannot be known. Read only."""
        raise NotImplementedError


class DigestSection:
    """Lines of the founder's digest: gathered once per pass, rendered per founder by the
    feature's own template (so in its own catalogue and in both languages)."""

    template: str
    """E.g. ``"ambassadors/digest"``: it reads the gathered data as ``section`` and
    ``zone`` (the founder's time zone name)."""
    order: int = 50
    """Where the section stands among the contributed ones, lowest first."""

    async def gather(
        self, session: AsyncSession, period: Period, *, weekly: bool
    ) -> Mapping[str, Any] | None:
        """What the section shows for the digest's period; None (or empty) leaves it out.
        Read only: the digest's pass commits what it queues, never a section's changes."""
        raise NotImplementedError
