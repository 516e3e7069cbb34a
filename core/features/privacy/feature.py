"""Members' data: a copy of everything stored about them, or all of it forgotten. Every
feature says how for its own tables (``Feature.personal_data``); this package walks them.

Eightieth in line for plain messages; it answers none of them."""

from core.feature import Feature
from core.features.privacy import core_data, handlers
from core.features.privacy.settings import PrivacySettings

FEATURE = Feature(
    "privacy",
    priority=80,
    settings=("privacy", PrivacySettings),
    registries=(handlers.registry,),
    personal_data=core_data.PART,
)
