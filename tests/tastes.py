"""A synthetic community with planted tastes, for judging recommendations offline.

Each member has one taste (say, people who go to the meetups, read the API answers and back
the API ideas); most of what they choose is of their taste, the rest picked from everything by
popularity (a few items everyone knows). A member's choices are in the order made, so the
last can be held out.
"""

from __future__ import annotations

import numpy as np

KINDS = ("event", "faq", "feedback", "channel")


def community(
    members: int = 3000, *, tastes: int = 6, per_kind: int = 8, faithful: float = 0.8, seed: int = 7
) -> dict[int, list[tuple[str, str]]]:
    rng = np.random.default_rng(seed)
    by_taste = [
        [(kind, f"{taste}-{n}") for kind in KINDS for n in range(per_kind)]
        for taste in range(tastes)
    ]
    everything = [item for items in by_taste for item in items]
    weight = rng.zipf(1.6, len(everything)).astype(np.float64)
    weight /= weight.sum()
    histories: dict[int, list[tuple[str, str]]] = {}
    for member in range(members):
        taste = by_taste[int(rng.integers(tastes))]
        chosen: list[tuple[str, str]] = []
        for _ in range(int(rng.integers(3, 12))):
            if rng.random() < faithful:
                item = taste[int(rng.integers(len(taste)))]
            else:
                item = everything[int(rng.choice(len(everything), p=weight))]
            if item not in chosen:
                chosen.append(item)
        histories[member] = chosen
    return histories
