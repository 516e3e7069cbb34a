"""Every message is translated, and a translation formats in what the original does.

The messages are extracted from the sources as ``make i18n`` does, so a template edited
without ``make i18n`` (or a catalogue left with an empty or fuzzy entry) fails here.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from babel.messages.catalog import Message

from core.i18n import catalogue_tag, catalogues, po_path
from core.i18n_extract import messages_of
from core.locale import SUPPORTED
from core.render import package_roots

REPO = Path(__file__).resolve().parents[2]
PACKAGES = package_roots()
CATALOGUES = catalogues({name: path / "translations" for name, path in PACKAGES.items()})
TRANSLATED = sorted(catalogue_tag(locale) for locale in SUPPORTED if locale != "en")
_PLACEHOLDER = re.compile(r"%\((\w+)\)s")


def _placeholders(*texts: str) -> set[str]:
    return {name for text in texts for name in _PLACEHOLDER.findall(text)}


def _forms(message: Message) -> list[str]:
    return list(message.string) if isinstance(message.string, tuple | list) else [message.string]


def _ids(message: Message) -> list[str]:
    return list(message.id) if isinstance(message.id, tuple | list) else [message.id]


@pytest.mark.parametrize("package", sorted(PACKAGES))
@pytest.mark.parametrize("tag", TRANSLATED)
def test_every_message_has_a_translation(package: str, tag: str) -> None:
    marked = messages_of(PACKAGES[package], REPO / "babel.cfg")
    if not marked:
        return
    assert po_path(PACKAGES[package] / "translations", tag).is_file(), "run make i18n"
    catalogue = CATALOGUES[package, tag]
    untranslated = sorted(
        (context or "", message_id)
        for context, message_id in marked
        if (found := catalogue.get(message_id, context)) is None
        or found.fuzzy
        or not all(_forms(found))
    )
    assert untranslated == [], f"{package} lacks {tag} for these (make i18n, then translate)"


@pytest.mark.parametrize("key", sorted(CATALOGUES), ids="/".join)
def test_translations_keep_the_placeholders(key: tuple[str, str]) -> None:
    """A translation formats in exactly the original's variables (all plural forms together:
    English "last day" leaves the count out, a language with one form cannot)."""
    wrong = []
    for message in CATALOGUES[key]:
        forms = [form for form in _forms(message) if form]
        if message.id and forms and _placeholders(*forms) != _placeholders(*_ids(message)):
            wrong.append((message.id, forms))
    assert wrong == []


def test_code_messages_mean_one_thing_in_every_package() -> None:
    """Button labels, command descriptions and argument names are looked up across all
    catalogues at once, so two packages may not translate one of them differently."""
    said: dict[tuple[str, str | None, str], set[str]] = {}
    for (_, tag), catalogue in CATALOGUES.items():
        for message in catalogue:
            if message.id and any(path.endswith(".py") for path, _ in message.locations):
                key = (tag, message.context, str(message.id))
                said.setdefault(key, set()).add(str(message.string))
    assert {key: ways for key, ways in said.items() if len(ways) > 1} == {}


def test_every_package_with_messages_has_every_language() -> None:
    tags = {tag for _, tag in CATALOGUES}
    assert {catalogue_tag(locale) for locale in SUPPORTED} <= tags
    for package, path in PACKAGES.items():
        if (path / "translations").is_dir():
            assert {tag for name, tag in CATALOGUES if name == package} == tags
