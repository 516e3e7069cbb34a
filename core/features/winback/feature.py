"""Win-back: a personal DM, on a timetable, to members who have been away, built from what
they used last and what is new since; consent first, capped, and measured."""

from core.feature import Feature
from core.features.winback import commands, handlers, personal
from core.features.winback.settings import WinbackSettings
from core.features.winback.stats import WinbackService

FEATURE = Feature(
    "winback",
    priority=55,
    settings=("winback", WinbackSettings),
    registries=(handlers.registry, commands.registry),
    offers=lambda services: (WinbackService(services.settings.section(WinbackSettings)),),
    personal_data=personal.PART,
)
