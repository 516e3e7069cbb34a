"""Finds the feature packages under core/features/: the one place that knows which exist.

A package is a feature when it has a ``feature.py`` declaring ``FEATURE`` (see
``core/feature.py``); its tables are in its ``models.py``. Nothing is listed by hand, so a new
package is picked up by the app, the registry, Alembic and the schema test alike.
"""

from __future__ import annotations

import importlib
import importlib.util
import pkgutil
from collections.abc import Callable, Iterator
from typing import Any

from pydantic import Field, create_model

import core.features
from core.context import Services
from core.feature import Feature
from core.registry import Registry
from core.settings import Settings


def _packages() -> Iterator[str]:
    for info in sorted(pkgutil.iter_modules(core.features.__path__), key=lambda i: i.name):
        if info.ispkg:
            yield f"{core.features.__name__}.{info.name}"


def _optional(module: str) -> bool:
    """Imports ``module`` if the package has it; False when it does not."""
    if importlib.util.find_spec(module) is None:
        return False
    importlib.import_module(module)
    return True


def load_models() -> None:
    """Every feature's tables into ``Base.metadata``, without importing its handlers (which
    pull in the search engine): what Alembic and the schema test need."""
    for package in _packages():
        _optional(f"{package}.models")


def discover() -> list[Feature]:
    """Every declared feature, in line by priority."""
    found = []
    for package in _packages():
        if _optional(f"{package}.feature"):
            declared = importlib.import_module(f"{package}.feature").FEATURE
            if not isinstance(declared, Feature):
                raise TypeError(f"{package}.feature.FEATURE is not a core.feature.Feature")
            found.append(declared)
    taken: dict[int, str] = {}
    for feature in found:
        if feature.priority in taken:
            raise ValueError(
                f"features {taken[feature.priority]!r} and {feature.name!r} share priority "
                f"{feature.priority}: say which sees a plain message first"
            )
        taken[feature.priority] = feature.name
    return sorted(found, key=lambda f: f.priority)


def build_registry(features: list[Feature] | None = None) -> Registry:
    """Every feature's commands, buttons, event handlers and sweeps; event handlers in the
    features' priority order."""
    chosen = discover() if features is None else features
    return Registry.merge(r for feature in chosen for r in feature.registries)


def settings_model(features: list[Feature] | None = None) -> type[Settings]:
    """The whole shape of config.toml: the core's sections and every feature's."""
    chosen = discover() if features is None else features
    sections: dict[str, Any] = {
        name: (kind, Field(default_factory=kind))
        for feature in chosen
        for name, kind in (
            *([feature.settings] if feature.settings is not None else []),
            *feature.more_settings,
        )
    }
    return create_model("Settings", __base__=Settings, **sections)


def autocomplete(
    features: list[Feature], services: Services
) -> Callable[[str, str, str], list[str]]:
    """One suggestion function for the adapters, (source, typed so far, locale), over every
    feature's sources."""
    sources = {name: fn for f in features for name, fn in f.autocomplete.items()}

    def suggest(source: str, current: str, locale: str) -> list[str]:
        found = sources.get(source)
        return found(services, current, locale) if found is not None else []

    return suggest
