"""Which of yesterday's figures are unusual enough to tell a founder about.

A figure is compared with the ``days`` before it (28 by default, four of each weekday). Its
usual value is the median of the same weekdays, because a community's Tuesday is not its
Sunday; how far figures usually stray is the median absolute deviation of every day in the
window from its own weekday's median. A day beyond ``mads`` of those deviations is unusual.
Medians, not means: one launch day in the window moves neither.

Nothing is flagged on too little data: a window with fewer than ``days`` days of history,
or a change between small numbers (neither the day nor its usual value reaching
``min_count``: 3 questions instead of 1 is not news). The deviation counts as at least 1,
so a figure that never moved does not flag the first time it moves by one.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum
from statistics import median

WEEK = 7
MIN_DEVIATION = 1.0


class Change(StrEnum):
    """How a sentence says it: "doubled" reads better than "rose by 113 %"."""

    TRIPLED = "tripled"
    DOUBLED = "doubled"
    ROSE = "rose"
    FELL = "fell"
    HALVED = "halved"


@dataclass(frozen=True)
class Anomaly:
    metric: str
    value: float
    usual: float
    """The median of the same weekdays in the window."""
    deviations: float
    """How many median absolute deviations the value lies from ``usual``."""

    @property
    def change(self) -> Change:
        if self.value > self.usual:
            if self.usual <= 0:
                return Change.ROSE
            if self.value >= 3 * self.usual:
                return Change.TRIPLED
            return Change.DOUBLED if self.value >= 2 * self.usual else Change.ROSE
        return Change.HALVED if self.value <= self.usual / 2 else Change.FELL


def check(
    metric: str,
    history: Sequence[float],
    value: float,
    *,
    days: int = 28,
    mads: float = 3.0,
    min_count: int = 10,
) -> Anomaly | None:
    """``value`` (the day checked) against ``history``, the days before it, oldest first."""
    if len(history) < days or days < WEEK:
        return None
    window = list(history[-days:])
    # Position i is the same weekday as the checked day when (days - i) is a multiple of 7.
    usual_by_weekday = [
        median(window[i] for i in range(len(window)) if (days - i - weekday) % WEEK == 0)
        for weekday in range(WEEK)
    ]
    usual = usual_by_weekday[0]
    if max(value, usual) < min_count:
        return None
    residuals = [abs(x - usual_by_weekday[(days - i) % WEEK]) for i, x in enumerate(window)]
    deviation = max(median(residuals), MIN_DEVIATION)
    distance = abs(value - usual) / deviation
    if distance <= mads:
        return None
    return Anomaly(metric, value, usual, distance)
