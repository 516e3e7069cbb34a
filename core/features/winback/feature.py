"""Win-back: a personal DM, on a timetable, to members who have been away, built from what
they used last and what is new since; consent first, capped, and measured."""

from core.context import Services
from core.feature import Feature
from core.features.winback import commands, handlers, personal
from core.features.winback.digest import WinbackFigureSource, WinbackSection
from core.features.winback.settings import WinbackSettings
from core.features.winback.stats import WinbackService


def _offers(services: Services) -> tuple[object, ...]:
    """Its figures to other features, and to analytics and the digest unnamed."""
    service = WinbackService(services.settings.section(WinbackSettings))
    return (service, WinbackFigureSource(service), WinbackSection(service))


FEATURE = Feature(
    "winback",
    priority=55,
    settings=("winback", WinbackSettings),
    registries=(handlers.registry, commands.registry),
    offers=_offers,
    personal_data=personal.PART,
)
