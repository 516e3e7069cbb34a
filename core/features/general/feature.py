"""/start, /help and /language: first in menus, no plain messages."""

from core.feature import Feature
from core.features.general import handlers

FEATURE = Feature("general", priority=0, registries=(handlers.registry,))
