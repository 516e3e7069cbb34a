"""Which of Townhall's languages a platform's language tag or a piece of text belongs to."""

from __future__ import annotations

import re

SUPPORTED = ("en", "zh-CN")
_CJK = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")


def normalize(tag: str | None) -> str | None:
    """Map "zh", "zh-Hans", "zh_CN", "en-US"... onto a supported locale, or None."""
    if not tag:
        return None
    lowered = tag.replace("_", "-").lower()
    if lowered.startswith("zh"):
        return "zh-CN"
    if lowered.startswith("en"):
        return "en"
    return None


def of_text(text: str) -> str | None:
    """A question with a fair share of Han characters is Chinese; otherwise no opinion."""
    han = len(_CJK.findall(text))
    letters = sum(1 for char in text if char.isalpha())
    return "zh-CN" if han and han * 3 >= letters else None
