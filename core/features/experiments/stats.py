"""The arithmetic of a report: intervals, the chi-square test, and the sample a difference
needs before anything is called.

Two-sided tests at 5%; the sample size is for 80% power, the usual pair.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

from scipy.stats import chi2_contingency, norm

ALPHA = 0.05
POWER = 0.8


def wilson(conversions: int, exposures: int) -> tuple[float, float]:
    """The 95% interval of a rate (Wilson's: sound near 0%, 100% and at small samples)."""
    if exposures == 0:
        return 0.0, 1.0
    z = float(norm.ppf(1 - ALPHA / 2))
    p = conversions / exposures
    denominator = 1 + z * z / exposures
    centre = (p + z * z / (2 * exposures)) / denominator
    spread = z * math.sqrt(p * (1 - p) / exposures + z * z / (4 * exposures**2)) / denominator
    return max(0.0, centre - spread), min(1.0, centre + spread)


def chi_square(arms: Sequence[tuple[int, int]]) -> float | None:
    """The p-value of Pearson's chi-square test that ``(conversions, exposures)`` arms share
    one rate; None with fewer than two arms or nothing to compare (all or none converted)."""
    table = [[c, n - c] for c, n in arms if n > 0]
    if len(table) < 2:
        return None
    converted = sum(row[0] for row in table)
    total = sum(row[0] + row[1] for row in table)
    if converted in (0, total):
        return None
    return float(chi2_contingency(table, correction=False).pvalue)


def needed(rate: float, effect: float) -> int:
    """Members each arm needs to find ``rate`` against ``rate + effect`` (two proportions,
    two-sided 5%, 80% power)."""
    low = min(max(rate, 0.0), 1.0 - effect)
    high = low + effect
    mean = (low + high) / 2
    z_alpha = float(norm.ppf(1 - ALPHA / 2))
    z_power = float(norm.ppf(POWER))
    root = z_alpha * math.sqrt(2 * mean * (1 - mean)) + z_power * math.sqrt(
        low * (1 - low) + high * (1 - high)
    )
    return math.ceil(root * root / (effect * effect))
