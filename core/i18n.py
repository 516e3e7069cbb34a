"""Translation catalogues: each package's ``translations/<lang>/LC_MESSAGES/messages.po``.

A message is written once, in English, in its template or beside the code that declares it
(a command's docstring, an argument's hint, a button's ``N_("...")`` label); the catalogues
say it in other languages. Every package (``core`` and each feature) keeps its own
catalogue beside its templates, so a feature stays one folder; at run time the catalogues of
one language are read together. A language is a ``.po`` file per package: ``make i18n``
creates and updates them, and they are read as they are (no compiled ``.mo`` to go stale).

Argument names are the one kind of message whose id is not English text: ``entry_id`` in
context ``argument`` reads "entry id" in ``en`` and "条目 ID" in ``zh_CN``.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from functools import cache
from io import BytesIO
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.support import Translations

DOMAIN = "messages"
ARGUMENT = "argument"
"""The message context of an argument's name as members read it."""


def N_(message: str) -> str:
    """Mark ``message`` for the catalogues; it is translated where it is shown, for whom."""
    return message


def catalogue_tag(locale: str) -> str:
    """The catalogue folder of a locale: ``zh-CN`` is ``zh_CN``."""
    return locale.replace("-", "_")


def po_path(root: Path, locale: str) -> Path:
    """Where a package's catalogue for ``locale`` is, under its ``translations/``."""
    return root / catalogue_tag(locale) / "LC_MESSAGES" / f"{DOMAIN}.po"


def read_catalogue(path: Path) -> Catalog:
    with path.open("rb") as handle:
        return read_po(handle, abort_invalid=True)


@cache
def _translations(path: Path, mtime: float) -> Translations:
    """One catalogue as gettext reads it; fuzzy entries count as untranslated. Cached by
    file and modification time: every Renderer (one per app, many in tests) shares it."""
    buffer = BytesIO()
    write_mo(buffer, read_catalogue(path), use_fuzzy=False)
    buffer.seek(0)
    return Translations(buffer, domain=DOMAIN)


def load(roots: Iterable[Path], locale: str) -> Translations:
    """Every package's catalogue for ``locale`` read as one (empty when none has it)."""
    merged = Translations(domain=DOMAIN)
    for root in roots:
        path = po_path(root, locale)
        if path.is_file():
            found = _translations(path, path.stat().st_mtime)
            merged.merge(found)
            merged.plural = found.plural  # merge() keeps the empty one's English rule
    return merged


def catalogues(roots: Mapping[str, Path]) -> dict[tuple[str, str], Catalog]:
    """Every catalogue as written, by (package, catalogue tag), for checks and tools."""
    found = {}
    for package, root in roots.items():
        for path in sorted(root.glob(f"*/LC_MESSAGES/{DOMAIN}.po")):
            found[package, path.parent.parent.name] = read_catalogue(path)
    return found
