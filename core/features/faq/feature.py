"""Answers from the knowledge base, the review of its misses and its figures. It sees plain
messages last among the features that answer them: whatever nobody else claims may be a
question."""

from collections.abc import Sequence
from pathlib import Path

from core.context import Services
from core.feature import Feature
from core.features.faq import handlers, personal, review_handlers, stats_handlers
from core.features.faq.service import FaqService
from core.features.faq.settings import FaqSettings


def _offers(services: Services) -> Sequence[object]:
    settings = services.settings
    return (
        FaqService(
            services.database,
            Path(settings.knowledge.dir),
            settings.section(FaqSettings).thresholds,
        ),
    )


async def _start(services: Services) -> None:
    await services.get(FaqService).reload()


def _entry_ids(services: Services, current: str, locale: str) -> list[str]:
    needle = current.lower()
    entries = services.get(FaqService).entries(locale)
    return [e.id for e in entries if needle in f"{e.id} {e.title}".lower()][:25]


FEATURE = Feature(
    "faq",
    priority=30,
    settings=("faq", FaqSettings),
    registries=(handlers.registry, review_handlers.registry, stats_handlers.registry),
    offers=_offers,
    start=_start,
    autocomplete={"faq_entries": _entry_ids},
    personal_data=personal.PART,
)
