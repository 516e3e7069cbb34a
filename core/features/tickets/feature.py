"""The support desk. It sees plain messages after a feedback draft and before the FAQ: a
member's words in their ticket's chat, or staff's in its thread, are for the ticket."""

from core.feature import Feature
from core.features.tickets import handlers

FEATURE = Feature("tickets", priority=20, registries=(handlers.registry,))
