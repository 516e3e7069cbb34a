"""Turning a handler's template name and data into the recipient's language and markup.

Every variable a template prints passes through the platform dialect's escape, unless a
markup helper (``bold``, ``code``, ``markdown``...) already produced safe output. Templates
live beside their feature: ``faq/answer`` is ``core/features/faq/templates/<locale>/answer.j2``;
short strings (button labels, command descriptions) sit in ``strings.toml`` there.
"""

from __future__ import annotations

import tomllib
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

import jinja2
from markupsafe import Markup

import core.features
from core.events import Platform
from core.locale import SUPPORTED
from core.markup import DIALECTS, Dialect

CORE_ROOT = Path(__file__).resolve().parent
DEFAULT_LOCALE = "en"


def template_roots() -> dict[str, Path]:
    """``core`` for shared messages, then one root per feature that has templates."""
    roots = {"core": CORE_ROOT / "templates"}
    folders = (f for base in core.features.__path__ for f in Path(base).iterdir())
    for folder in sorted(folders, key=lambda f: f.name):
        if (folder / "templates").is_dir():
            roots[folder.name] = folder / "templates"
    return roots


class Renderer:
    def __init__(self, roots: Mapping[str, Path] | None = None) -> None:
        self._roots = dict(roots or template_roots())
        loader = jinja2.PrefixLoader(
            {name: jinja2.FileSystemLoader(str(path)) for name, path in self._roots.items()}
        )
        self._environments = {
            platform: self._environment(loader, dialect) for platform, dialect in DIALECTS.items()
        }
        self._strings = self._load_strings()

    @staticmethod
    def _environment(loader: jinja2.BaseLoader, dialect: Dialect) -> jinja2.Environment:
        def finalize(value: Any) -> Any:
            return value if isinstance(value, Markup) else Markup(dialect.escape(str(value)))

        def helper(fn: Callable[..., str]) -> Callable[..., Markup]:
            return lambda *args: Markup(fn(*(str(a) for a in args)))

        env = jinja2.Environment(
            loader=loader,
            undefined=jinja2.StrictUndefined,
            autoescape=False,
            finalize=finalize,
            trim_blocks=True,
            lstrip_blocks=True,
            keep_trailing_newline=False,
        )
        env.filters.update(
            bold=helper(dialect.bold),
            italic=helper(dialect.italic),
            code=helper(dialect.code),
            markdown=helper(dialect.markdown),
        )
        env.globals["link"] = helper(dialect.link)
        return env

    def _load_strings(self) -> dict[str, dict[str, str]]:
        strings: dict[str, dict[str, str]] = {locale: {} for locale in SUPPORTED}
        for name, root in self._roots.items():
            for locale in SUPPORTED:
                path = root / locale / "strings.toml"
                if path.exists():
                    with path.open("rb") as handle:
                        for key, value in tomllib.load(handle).items():
                            strings[locale][f"{name}.{key}"] = str(value)
        return strings

    def render(
        self, template: str, context: Mapping[str, Any], *, platform: Platform, locale: str
    ) -> str:
        feature, _, name = template.partition("/")
        path = f"{feature}/{self._locale(locale)}/{name}.j2"
        env = self._environments[platform]
        return env.get_template(path).render(**context, locale=locale).strip()

    def string(self, key: str, locale: str) -> str:
        """A short catalog string; a missing key is a bug, caught by the catalog parity test."""
        return self._strings[self._locale(locale)][key]

    def has_string(self, key: str, locale: str) -> bool:
        return key in self._strings[self._locale(locale)]

    def strings(self, locale: str) -> Mapping[str, str]:
        return self._strings[self._locale(locale)]

    def template_names(self, locale: str) -> set[str]:
        names = set()
        for feature, root in self._roots.items():
            folder = root / locale
            if folder.is_dir():
                names |= {f"{feature}/{path.stem}" for path in folder.glob("*.j2")}
        return names

    @staticmethod
    def _locale(locale: str) -> str:
        return locale if locale in SUPPORTED else DEFAULT_LOCALE

    def command_description(self, feature: str, name: str, default: str, locale: str) -> str:
        """English comes from the handler's docstring; other languages from strings.toml."""
        key = f"{feature}.command.{name}"
        return self.string(key, locale) if self.has_string(key, locale) else default

    def arg_hint(self, feature: str, arg: str, default: str, locale: str) -> str:
        """What to type for an argument (a slash option's description, a form field's label):
        English from its ``ArgSpec``, other languages from the feature's ``hint.*`` strings."""
        key = f"{feature}.hint.{arg}"
        return self.string(key, locale) if self.has_string(key, locale) else default
