"""What a feature package says about itself, once, so the core never has to name it.

Each package under ``core/features/`` has a ``feature.py`` whose ``FEATURE`` is one of these;
its tables live in its ``models.py``. The composition root (``bot/features.py``) finds them
all: adding a feature is its package and its Alembic revision, and no other file changes.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from core.privacy import PersonalData
from core.registry import Registry
from core.settings import Section

if TYPE_CHECKING:
    from core.context import Services

Autocomplete = Callable[["Services", str, str], list[str]]
"""(services, what the member typed so far, their locale) -> suggestions."""


def _offers_nothing(services: Services) -> Sequence[object]:
    return ()


@dataclass(frozen=True)
class Feature:
    name: str
    """The name its registries carry (``Registry("faq")``) and its templates' folder."""
    priority: int
    """Its place in line, lowest first: who is offered a plain message (or a join) first
    (a feedback draft waiting for its description must see the member's next words before the
    FAQ does), and where its commands stand in platform menus. Unique across features."""
    registries: tuple[Registry, ...] = ()
    settings: tuple[str, type[Section]] | None = None
    """Its section of config.toml, e.g. ``("tickets", TicketSettings)``; it reads it with
    ``services.settings.section(TicketSettings)``."""
    more_settings: tuple[tuple[str, type[Section]], ...] = ()
    """Further sections, for a feature configured in more than one place (lifecycle reads
    ``[welcome]``, ``[onboarding]`` and ``[lifecycle]``)."""
    offers: Callable[[Services], Sequence[object]] = field(default=_offers_nothing)
    """Builds the services it offers other features, which they find with
    ``services.get(TheClass)``; called once at start with the core's services."""
    start: Callable[[Services], Awaitable[None]] | None = None
    """Runs once the app is built, before the first event (e.g. loading knowledge files)."""
    autocomplete: dict[str, Autocomplete] = field(default_factory=dict)
    """Suggestion sources its arguments name (``ArgSpec(autocomplete="faq_entries")``)."""
    personal_data: PersonalData | None = None
    """Its tables, and how a member's rows in them are exported and forgotten
    (``/privacy``); a feature with tables must declare them."""

    def __post_init__(self) -> None:
        strays = [r.feature for r in self.registries if r.feature != self.name]
        if strays:
            raise ValueError(f"feature {self.name!r} declares registries of {strays}")
