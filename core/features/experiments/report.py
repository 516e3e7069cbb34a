"""An experiment's report: each arm's exposures, conversions and rate, the test across the
variants, each variant's lift over the holdout, and whether there is enough data to say.

The chi-square test compares the variants sent (with one variant, that variant against the
holdout). Nothing is called until every arm compared has the members the configured
``min_detectable_effect`` needs at the rate seen so far; the report says "not enough data
yet" until then. An experiment has reached a decision when the test then finds a difference,
or when it was stopped.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from core.features.experiments.models import ExperimentAssignment, ExperimentStop
from core.features.experiments.settings import HOLDOUT, Experiment
from core.features.experiments.stats import ALPHA, chi_square, needed, wilson


class Verdict(StrEnum):
    NOT_ENOUGH = "not_enough"
    DIFFERENT = "different"
    SAME = "same"


@dataclass(frozen=True)
class Arm:
    variant: str
    exposures: int
    conversions: int

    @property
    def rate(self) -> float:
        return self.conversions / self.exposures if self.exposures else 0.0

    @property
    def interval(self) -> tuple[float, float]:
        return wilson(self.conversions, self.exposures)


@dataclass(frozen=True)
class Report:
    experiment: Experiment
    arms: tuple[Arm, ...]
    """The variants in configured order, then the holdout if it has one."""
    p_value: float | None
    needed: int
    """Members each compared arm needs."""
    verdict: Verdict
    stopped_at: datetime | None = None
    winner: str | None = None

    @property
    def holdout(self) -> Arm | None:
        return next((a for a in self.arms if a.variant == HOLDOUT), None)

    @property
    def leader(self) -> Arm | None:
        """The variant converting best (the one to keep when the verdict is ``different``)."""
        sent = [a for a in self.arms if a.variant != HOLDOUT and a.exposures]
        return max(sent, key=lambda a: a.rate, default=None)

    def lift(self, arm: Arm) -> float | None:
        """``arm``'s rate minus the holdout's (points of conversion the message adds)."""
        holdout = self.holdout
        if holdout is None or not holdout.exposures or not arm.exposures:
            return None
        return arm.rate - holdout.rate

    @property
    def decided(self) -> bool:
        return self.stopped_at is not None or self.verdict is Verdict.DIFFERENT


def compared(experiment: Experiment, arms: tuple[Arm, ...]) -> list[Arm]:
    """The arms the test compares: the variants, or with only one, it and the holdout."""
    variants = [a for a in arms if a.variant != HOLDOUT]
    return variants if len(variants) > 1 else list(arms)


def judge(experiment: Experiment, arms: tuple[Arm, ...]) -> tuple[float | None, int, Verdict]:
    """The p-value, the members each compared arm needs, and the verdict."""
    tested = compared(experiment, arms)
    exposures = sum(a.exposures for a in tested)
    pooled = sum(a.conversions for a in tested) / exposures if exposures else 0.0
    size = needed(pooled, experiment.min_detectable_effect)
    p_value = chi_square([(a.conversions, a.exposures) for a in tested])
    if len(tested) < 2 or min(a.exposures for a in tested) < size:
        return p_value, size, Verdict.NOT_ENOUGH
    if p_value is not None and p_value < ALPHA:
        return p_value, size, Verdict.DIFFERENT
    return p_value, size, Verdict.SAME


async def report(session: AsyncSession, experiment: Experiment) -> Report:
    a = ExperimentAssignment
    rows = await session.execute(
        select(a.variant, func.count(a.id), func.count(a.converted_at))
        .where(a.experiment == experiment.name, a.exposed_at.is_not(None))
        .group_by(a.variant)
    )
    counts = {variant: (n, c) for variant, n, c in rows}
    names = [*experiment.variants, *([HOLDOUT] if experiment.holdout else [])]
    arms = tuple(Arm(v, *counts.get(v, (0, 0))) for v in names)
    p_value, size, verdict = judge(experiment, arms)
    stop = await session.get(ExperimentStop, experiment.name)
    return Report(
        experiment,
        arms,
        p_value,
        size,
        verdict,
        stopped_at=stop.stopped_at if stop else None,
        winner=stop.winner if stop else None,
    )
