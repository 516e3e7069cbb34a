"""How win-back is doing: messages sent, how many converted, against the holdout, opt-outs.

A conversion is the member's first activity after their message (anything but win-back's
own buttons, or leaving) within ``convert_days`` of it, credited to that message. A
held-out member's record counts the same way from when they would have been sent one, so
the lift is the difference in conversion rates, measured, not assumed. ``WinbackService``
gives these figures to other features (analytics' KPIs, the digest).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import and_, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from core.activity import ActivityEvent
from core.clock import as_utc
from core.events import EventKind
from core.features.winback.models import COUNTED, HELD, SENT, WinbackMessage, WinbackStop
from core.features.winback.settings import WinbackSettings


@dataclass(frozen=True)
class WinbackFigures:
    sent: int
    converted: int
    held_out: int
    held_out_converted: int
    opt_outs: int

    @property
    def rate(self) -> float | None:
        return self.converted / self.sent if self.sent else None

    @property
    def holdout_rate(self) -> float | None:
        return self.held_out_converted / self.held_out if self.held_out else None

    @property
    def lift(self) -> float | None:
        """Conversion rate minus the holdout's, in points of a share (0.05 is 5 points)."""
        if self.rate is None or self.holdout_rate is None:
            return None
        return self.rate - self.holdout_rate


async def figures(
    session: AsyncSession, settings: WinbackSettings, start: datetime, end: datetime
) -> WinbackFigures:
    """Messages sent (or held out) in ``[start, end)``, and opt-outs in it."""
    w, e = WinbackMessage, ActivityEvent
    first = (
        select(w.id, w.status, w.sent_at, func.min(e.at))
        .outerjoin(
            e,
            and_(
                e.member_id == w.member_id,
                e.at > w.sent_at,
                e.feature != "winback",
                e.kind != EventKind.MEMBER_LEFT.value,
            ),
        )
        .where(w.status.in_(COUNTED), w.sent_at >= start, w.sent_at < end)
        .group_by(w.id, w.status, w.sent_at)
    )
    window = timedelta(days=settings.convert_days)
    counts = {SENT: [0, 0], HELD: [0, 0]}
    for _, status, sent_at, acted in await session.execute(first):
        counts[status][0] += 1
        if acted is not None and sent_at is not None:
            counts[status][1] += as_utc(acted) <= as_utc(sent_at) + window
    opt_outs = await session.scalar(
        select(func.count()).where(WinbackStop.at >= start, WinbackStop.at < end)
    )
    return WinbackFigures(
        sent=counts[SENT][0],
        converted=counts[SENT][1],
        held_out=counts[HELD][0],
        held_out_converted=counts[HELD][1],
        opt_outs=int(opt_outs or 0),
    )


class WinbackService:
    """What other features read of win-back: ``services.get(WinbackService)``."""

    def __init__(self, settings: WinbackSettings) -> None:
        self._settings = settings

    async def figures(
        self, session: AsyncSession, start: datetime, end: datetime
    ) -> WinbackFigures:
        return await figures(session, self._settings, start, end)
