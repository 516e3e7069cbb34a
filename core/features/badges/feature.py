"""Badges: earned by declarative rules over a member's figures, or given by hand.

Sixth in line for plain messages, right after reputation, whose counters its rules read; it
answers none of them.
"""

from core.feature import Feature
from core.features.badges import handlers, personal
from core.features.badges.service import BadgesService
from core.features.badges.settings import BadgesSettings

FEATURE = Feature(
    "badges",
    priority=6,
    settings=("badges", BadgesSettings),
    registries=(handlers.registry,),
    offers=lambda services: (BadgesService(services.settings, services.notifier),),
    autocomplete={"badge_ids": handlers.badge_ids},
    personal_data=personal.PART,
)
