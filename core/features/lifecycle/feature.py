"""The member lifecycle: a newcomer's welcome and checklist, and every member's stage."""

from core.feature import Feature
from core.features.lifecycle import handlers, member, personal
from core.features.lifecycle.audience import StagesService
from core.features.lifecycle.settings import (
    LifecycleSettings,
    OnboardingSettings,
    WelcomeSettings,
)

FEATURE = Feature(
    "lifecycle",
    priority=50,
    settings=("welcome", WelcomeSettings),
    more_settings=(("onboarding", OnboardingSettings), ("lifecycle", LifecycleSettings)),
    registries=(handlers.registry, member.registry),
    offers=lambda services: (StagesService(),),
    personal_data=personal.PART,
)
