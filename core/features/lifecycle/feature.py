"""A newcomer's welcome."""

from core.feature import Feature
from core.features.lifecycle import handlers

FEATURE = Feature("lifecycle", priority=50, registries=(handlers.registry,))
