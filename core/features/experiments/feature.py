"""A/B experiments on the messages members are sent (a welcome, a nudge, a reminder, a
win-back), with a holdout sent nothing.

Sixtieth in line for plain messages; it answers none of them. Its variants are files a
founder writes; they join the renderer's templates at start.
"""

from __future__ import annotations

from core.context import Services
from core.feature import Feature
from core.features.experiments import handlers, personal
from core.features.experiments.digest import DecidedSection
from core.features.experiments.service import ExperimentsService, templates_package
from core.features.experiments.settings import ExperimentsSettings


async def start(services: Services) -> None:
    for experiment in services.settings.section(ExperimentsSettings).experiments:
        services.renderer.add_folder(templates_package(experiment.name), experiment.directory)


def _offers(services: Services) -> tuple[object, ...]:
    """The service features call before sending, and its decisions for the digest."""
    service = ExperimentsService(services.settings.section(ExperimentsSettings), services.clock)
    return (service, DecidedSection(service))


FEATURE = Feature(
    "experiments",
    priority=60,
    settings=("experiments", ExperimentsSettings),
    registries=(handlers.registry,),
    offers=_offers,
    start=start,
    autocomplete={"experiment_names": handlers.experiment_names},
    personal_data=personal.PART,
)
