"""Reputation: points for helping, from a ledger. It sees every plain message first and
answers none of them, so a message is counted whoever answers it."""

from core.feature import Feature
from core.features.reputation import handlers, moderation
from core.features.reputation.settings import ReputationSettings

FEATURE = Feature(
    "reputation",
    priority=5,
    settings=("reputation", ReputationSettings),
    registries=(handlers.registry, moderation.registry),
)
