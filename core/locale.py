"""Which of Townhall's languages a platform's language tag or a piece of text belongs to."""

from __future__ import annotations

import re
from pathlib import Path

_CATALOGUES = Path(__file__).resolve().parent / "translations"
SUPPORTED = (
    "en",
    *sorted(
        path.parent.name.replace("_", "-")
        for path in _CATALOGUES.glob("*/LC_MESSAGES")
        if path.parent.name != "en"
    ),
)
"""English, the language messages are written in, then every language core's catalogues
have (``zh_CN`` is ``zh-CN``): adding a language's ``.po`` files adds the language."""
_CJK = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
_ENGLISH_MIN_LETTERS = 4
"""Fewer Latin letters ("ok", "T-1") say nothing about the language."""


def normalize(tag: str | None) -> str | None:
    """Map "zh", "zh-Hans", "zh_CN", "en-US"... onto a supported locale, or None: the exact
    tag if supported, else the first supported one of the same language."""
    if not tag:
        return None
    lowered = tag.replace("_", "-").lower()
    language = lowered.split("-")[0]
    return next((s for s in SUPPORTED if s.lower() == lowered), None) or next(
        (s for s in SUPPORTED if s.lower().split("-")[0] == language), None
    )


def of_text(text: str) -> str | None:
    """A question with a fair share of Han characters is Chinese; otherwise no opinion."""
    han = len(_CJK.findall(text))
    letters = sum(1 for char in text if char.isalpha())
    return "zh-CN" if han and han * 3 >= letters else None


def spoken(text: str) -> str | None:
    """The language a member's own words are in, for remembering between messages.

    Unlike :func:`of_text`, English counts: words with no Han character at all are taken as
    English, so a member who switches back from Chinese is answered in English again.
    """
    found = of_text(text)
    if found is not None:
        return found
    latin = sum(1 for char in text if char.isascii() and char.isalpha())
    return "en" if latin >= _ENGLISH_MIN_LETTERS and not _CJK.search(text) else None
