"""Which arm a member is in: a hash of the experiment's name and the member's id.

The same member always lands in the same arm of the same experiment, on any machine and
after any restart, and arms of different experiments are independent of each other.
"""

from __future__ import annotations

import hashlib

from core.features.experiments.settings import HOLDOUT, Experiment


def bucket(experiment: str, member_id: int) -> float:
    """A number in [0, 1), uniform over members."""
    digest = hashlib.sha256(f"{experiment}:{member_id}".encode()).digest()
    return int.from_bytes(digest[:8], "big") / 2**64


def draw(experiment: Experiment, member_id: int) -> str:
    """The holdout takes the lowest ``holdout`` share; the variants share the rest by weight."""
    point = bucket(experiment.name, member_id)
    if point < experiment.holdout:
        return HOLDOUT
    edge = experiment.holdout
    for variant, share in experiment.shares.items():
        edge += share
        if point < edge:
            return variant
    return experiment.variants[-1]
