"""Linking one person's accounts across platforms, and their DM settings."""

from core.feature import Feature
from core.features.accounts import handlers, personal

FEATURE = Feature(
    "accounts", priority=40, registries=(handlers.registry,), personal_data=personal.PART
)
