"""Turning a handler's template name and data into the recipient's language and markup.

Every variable a template prints passes through the platform dialect's escape, unless a
markup helper (``bold``, ``code``, ``markdown``...) already produced safe output; so does
every variable a translated message formats in (``_("Ticket %(ref)s", ref=...)``,
``ngettext`` and ``{% trans %}`` blocks), while the catalogue's own text counts as the
template's text. Templates live beside their feature: ``faq/answer`` is
``core/features/faq/templates/answer.j2``, written once with its English text marked for
translation; the other languages are the package's catalogues (see :mod:`core.i18n`).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

import jinja2
from babel.support import Translations
from jinja2.runtime import Context
from markupsafe import Markup

import core.features
from core import i18n
from core.events import Platform
from core.locale import SUPPORTED
from core.markup import DIALECTS, Dialect

CORE_ROOT = Path(__file__).resolve().parent
DEFAULT_LOCALE = "en"


def package_roots() -> dict[str, Path]:
    """``core`` for shared messages, then every feature package with templates; each keeps
    them in its own ``templates/`` and its catalogues in ``translations/``."""
    roots = {"core": CORE_ROOT}
    folders = (f for base in core.features.__path__ for f in Path(base).iterdir())
    for folder in sorted(folders, key=lambda f: f.name):
        if (folder / "templates").is_dir() or (folder / "translations").is_dir():
            roots[folder.name] = folder
    return roots


class Renderer:
    def __init__(self, roots: Mapping[str, Path] | None = None) -> None:
        self._roots = dict(roots or package_roots())
        self._loader = _PackageLoader(
            {
                name: jinja2.FileSystemLoader(str(path / "templates"))
                for name, path in self._roots.items()
            }
        )
        # A template speaks with its own package's catalogue (two features may word "in
        # progress" differently); code's short messages read all catalogues as one.
        self._catalogues = {
            locale: {
                package: i18n.load([path / "translations"], locale)
                for package, path in self._roots.items()
            }
            for locale in SUPPORTED
        }
        self._translations = {
            locale: i18n.load([path / "translations" for path in self._roots.values()], locale)
            for locale in SUPPORTED
        }
        self._environments: dict[tuple[Platform, str], jinja2.Environment] = {}

    def render(
        self, template: str, context: Mapping[str, Any], *, platform: Platform, locale: str
    ) -> str:
        env = self._environment(platform, self._locale(locale))
        return env.get_template(f"{template}.j2").render(**context, locale=locale).strip()

    def translate(self, message: str, locale: str) -> str:
        """A short message marked in code: a button label, a command's description, a hint."""
        return self._translations[self._locale(locale)].gettext(message)

    def argument(self, name: str, locale: str) -> str:
        """How an argument is named to members ("entry id" for ``entry_id``)."""
        said = str(self._translations[self._locale(locale)].pgettext(i18n.ARGUMENT, name))
        return name.replace("_", " ") if said == name else said

    def add_folder(self, package: str, folder: Path) -> None:
        """Templates kept outside the code, which a founder writes (an experiment's
        variants): ``<package>/<name>`` is ``folder/<name>.j2``. They are written once per
        language, so they speak with the core's catalogue."""
        self._loader.add(package, jinja2.FileSystemLoader(str(folder)))
        for catalogues in self._catalogues.values():
            catalogues[package] = catalogues["core"]

    def template_names(self) -> set[str]:
        return {
            f"{package}/{path.stem}"
            for package, root in self._roots.items()
            for path in (root / "templates").glob("*.j2")
        }

    def _environment(self, platform: Platform, locale: str) -> jinja2.Environment:
        key = (platform, locale)
        if key not in self._environments:
            self._environments[key] = _environment(
                self._loader, DIALECTS[platform], self._catalogues[locale]
            )
        return self._environments[key]

    @staticmethod
    def _locale(locale: str) -> str:
        return locale if locale in SUPPORTED else DEFAULT_LOCALE


class _PackageLoader(jinja2.BaseLoader):
    """``faq/answer.j2`` from the faq package's templates, keeping the package in the
    template's name (Jinja's PrefixLoader drops it), which says whose catalogue it speaks."""

    def __init__(self, loaders: Mapping[str, jinja2.FileSystemLoader]) -> None:
        self._loaders = dict(loaders)

    def add(self, package: str, loader: jinja2.FileSystemLoader) -> None:
        self._loaders[package] = loader

    def get_source(
        self, environment: jinja2.Environment, template: str
    ) -> tuple[str, str | None, Callable[[], bool] | None]:
        package, _, name = template.partition("/")
        if package not in self._loaders:
            raise jinja2.TemplateNotFound(template)
        return self._loaders[package].get_source(environment, name)


def _environment(
    loader: jinja2.BaseLoader, dialect: Dialect, catalogues: Mapping[str, Translations]
) -> jinja2.Environment:
    def finalize(value: Any) -> Any:
        return value if isinstance(value, Markup) else Markup(dialect.escape(str(value)))

    def helper(fn: Callable[..., str]) -> Callable[..., Markup]:
        return lambda *args: Markup(fn(*(str(a) for a in args)))

    def catalogue(context: Context) -> Translations:
        """The catalogue of the package whose template (or macro) is speaking."""
        return catalogues[(context.name or "").partition("/")[0]]

    def formatted(text: str, variables: Mapping[str, Any]) -> Markup:
        """The catalogue's text is template text; what it formats in is escaped. (The functions
        below take their own arguments positionally: a message's variable may be called ``n``.)"""
        return Markup(text % {name: finalize(value) for name, value in variables.items()})

    @jinja2.pass_context
    def gettext(context: Context, message: str, /, **variables: Any) -> Markup:
        return formatted(catalogue(context).gettext(message), variables)

    @jinja2.pass_context
    def ngettext(
        context: Context, singular: str, plural: str, n: int, /, **variables: Any
    ) -> Markup:
        variables.setdefault("num", n)
        return formatted(catalogue(context).ngettext(singular, plural, n), variables)

    @jinja2.pass_context
    def pgettext(context: Context, scope: str, message: str, /, **variables: Any) -> Markup:
        return formatted(str(catalogue(context).pgettext(scope, message)), variables)

    @jinja2.pass_context
    def npgettext(
        context: Context, scope: str, singular: str, plural: str, n: int, /, **variables: Any
    ) -> Markup:
        variables.setdefault("num", n)
        translated = str(catalogue(context).npgettext(scope, singular, plural, n))
        return formatted(translated, variables)

    env = jinja2.Environment(
        loader=loader,
        undefined=jinja2.StrictUndefined,
        autoescape=False,
        finalize=finalize,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=False,
        extensions=["jinja2.ext.i18n"],
        # Templates ship with the code: no file is looked at again once compiled, which
        # saves a stat per template (and per include) on every message a sweep renders.
        auto_reload=False,
    )
    # Newstyle: a {% trans %} block calls gettext with its variables as keywords, so the
    # functions above escape them (Jinja's own wrappers would format them in unescaped).
    env.newstyle_gettext = True  # type: ignore[attr-defined]
    env.globals.update(
        _=gettext, gettext=gettext, ngettext=ngettext, pgettext=pgettext, npgettext=npgettext
    )
    env.filters.update(
        bold=helper(dialect.bold),
        italic=helper(dialect.italic),
        code=helper(dialect.code),
        markdown=helper(dialect.markdown),
    )
    env.globals["link"] = helper(dialect.link)
    return env
