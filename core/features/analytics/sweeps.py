"""The rollup sweep on the scheduler: the activity log folded in every half minute."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy.ext.asyncio import AsyncSession

from core.context import Services
from core.features.analytics.rollup import roll_up
from core.registry import Registry

registry = Registry("analytics")

PASS_ROWS = 500_000
"""At most this many rows a pass (one transaction): 30 s of 5,000 events a second, thrice."""


@registry.sweep("analytics rollup", timedelta(seconds=30))
async def rollup(services: Services, session: AsyncSession) -> int:
    """Folds new activity log rows into the rollups; the mark moves in the same commit."""
    await services.activity.flush()
    return await roll_up(session, services.settings.locale.timezone, limit=PASS_ROWS)
