"""The member lifecycle: a newcomer's welcome and checklist."""

from core.feature import Feature
from core.features.lifecycle import handlers
from core.features.lifecycle.settings import OnboardingSettings, WelcomeSettings

FEATURE = Feature(
    "lifecycle",
    priority=50,
    settings=("welcome", WelcomeSettings),
    more_settings=(("onboarding", OnboardingSettings),),
    registries=(handlers.registry,),
)
