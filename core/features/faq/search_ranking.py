"""Picking a question's leading entries and how far each stands above the rest.

Kept apart from the index because every ranking signal needs the same few array operations,
and they must break ties the same way everywhere (by position) so results are deterministic.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.intp]


def top(values: FloatArray, k: int, available: int) -> IntArray:
    """Indices of the ``k`` largest values, best first, ties by index for determinism."""
    k = min(k, available, len(values))
    part = np.argpartition(-values, k - 1)[:k] if k < len(values) else np.arange(len(values))
    order = np.lexsort((part, -values[part]))
    result: IntArray = part[order]
    return result


def margin(values: FloatArray, shortlist: IntArray, allowed: npt.NDArray[np.bool_]) -> FloatArray:
    """How far each shortlisted entry's value is above the best other allowed entry's."""
    out: FloatArray = values[shortlist] - best_other(np.where(allowed, values, 0.0), shortlist)
    return out


def best_other(values: FloatArray, shortlist: IntArray) -> FloatArray:
    """For each shortlisted entry, the best value among all other entries."""
    top_two = top(values, 2, len(values))
    best = values[top_two[0]]
    second = values[top_two[1]] if len(top_two) > 1 else -np.inf
    out: FloatArray = np.where(shortlist == top_two[0], second, best)
    return out
