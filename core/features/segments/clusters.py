"""Engagement scores and KMeans segments from each member's figures (no database here).

Segments are found, not defined: the figures are standardised (each column to mean 0 and
deviation 1, counts on a log scale first), KMeans tries k = 2..6 and keeps the k with the
best silhouette, seeded so the same figures always give the same segments. A segment is
named by what sets its centre apart from everyone: most solutions and points "helpers",
events "event_goers", questions "askers", active days and messages "regulars", and the
least active of all "quiet_readers"; two segments never share a name, and one set apart by
nothing above average is "others".
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray
from sklearn.cluster import KMeans
from sklearn.metrics import silhouette_score
from sklearn.preprocessing import StandardScaler
from threadpoolctl import threadpool_limits

COLUMNS = (
    "recency_days",
    "active_days",
    "features",
    "messages",
    "questions",
    "points",
    "solutions",
    "events",
)
COUNTS = ("messages", "questions", "points", "solutions", "events")
"""Taken on a log scale before standardising: one member with 900 messages is not 900 times
as different from the rest as one with a single message."""
NAMES = ("helpers", "event_goers", "askers", "regulars", "quiet_readers", "others")
K_RANGE = range(2, 7)
MIN_MEMBERS = 10
SILHOUETTE_SAMPLE = 4000
"""Silhouette is quadratic in members; beyond this many it is measured on a seeded sample."""

Floats = NDArray[np.float64]


def column(values: Floats, name: str) -> Floats:
    return values[:, COLUMNS.index(name)]


def scores(values: Floats, days: int, weights: Mapping[str, float]) -> Floats:
    """Each member's engagement, 0..100 (see ``SegmentSettings`` for the parts)."""

    def against_most(name: str) -> Floats:
        logged = np.log1p(np.maximum(column(values, name), 0))
        most = logged.max() if len(logged) else 0.0
        return logged / most if most > 0 else np.zeros(len(values))

    features = column(values, "features")
    parts = {
        "recency": 1 - np.minimum(column(values, "recency_days"), days) / days,
        "frequency": np.minimum(column(values, "active_days"), days) / days,
        "breadth": features / features.max() if len(values) and features.max() else features,
        "points": against_most("points"),
        "solutions": against_most("solutions"),
        "events": against_most("events"),
    }
    total = sum(weights.values()) or 1.0
    weighted = sum(weights.get(name, 0.0) * part for name, part in parts.items())
    return np.round(100 * np.asarray(weighted, dtype=np.float64) / total, 1)


@dataclass(frozen=True)
class Segmentation:
    k: int
    silhouette: float
    labels: NDArray[np.int64]
    """Each member's segment, an index into ``names``."""
    names: tuple[str, ...]
    centres: Floats
    """Each segment's mean figures, in their own units (``COLUMNS``)."""

    def sizes(self) -> list[int]:
        return [int((self.labels == i).sum()) for i in range(self.k)]


def standardised(values: Floats) -> Floats:
    shaped = values.astype(np.float64).copy()
    for name in COUNTS:
        i = COLUMNS.index(name)
        shaped[:, i] = np.log1p(np.maximum(shaped[:, i], 0))
    return np.asarray(StandardScaler().fit_transform(shaped), dtype=np.float64)


def segment(values: Floats, seed: int) -> Segmentation | None:
    """None with fewer than ``MIN_MEMBERS`` members or no differences between them."""
    if len(values) < MIN_MEMBERS or len(np.unique(values, axis=0)) < 2:
        return None
    # One thread: KMeans' OpenMP threads fight for a busy server's cores (here 50 times
    # slower with them), and the bot runs this in a thread of its own anyway.
    with threadpool_limits(1):
        return _segment(values, seed)


def _segment(values: Floats, seed: int) -> Segmentation | None:
    points = standardised(values)
    best: tuple[float, int, NDArray[np.int64]] | None = None
    for k in K_RANGE:
        if k >= len(np.unique(points, axis=0)):
            break
        labels = KMeans(n_clusters=k, random_state=seed, n_init=10).fit_predict(points)
        quality = float(
            silhouette_score(
                points,
                labels,
                sample_size=min(len(points), SILHOUETTE_SAMPLE),
                random_state=seed,
            )
        )
        if best is None or quality > best[0]:
            best = (quality, k, np.asarray(labels, dtype=np.int64))
    if best is None:
        return None
    quality, k, labels = best
    z_centres = np.array([points[labels == i].mean(axis=0) for i in range(k)])
    centres = np.array([values[labels == i].mean(axis=0) for i in range(k)])
    return Segmentation(k, quality, labels, _names(z_centres), centres)


def _names(z: Floats) -> tuple[str, ...]:
    """The strongest trait of each centre, each name given once, strongest claims first."""

    def at(row: Floats, *names: str) -> float:
        return float(np.mean([row[COLUMNS.index(name)] for name in names]))

    claims = []
    for i, row in enumerate(z):
        traits = {
            "helpers": max(at(row, "solutions"), at(row, "points")),
            "event_goers": at(row, "events"),
            "askers": at(row, "questions"),
            "regulars": at(row, "active_days", "messages"),
            "quiet_readers": -at(row, "active_days", "messages", "features"),
        }
        claims += [(strength, i, name) for name, strength in traits.items() if strength > 0]
    named: dict[int, str] = {}
    for _, i, name in sorted(claims, reverse=True):
        if i not in named and name not in named.values():
            named[i] = name
    return tuple(named.get(i, "others") for i in range(len(z)))
