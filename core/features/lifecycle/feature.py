"""A newcomer's welcome."""

from core.feature import Feature
from core.features.lifecycle import handlers
from core.features.lifecycle.settings import WelcomeSettings

FEATURE = Feature(
    "lifecycle", priority=50, settings=("welcome", WelcomeSettings), registries=(handlers.registry,)
)
