"""Text shaping shared by adapters: platforms cap a message's length."""

from __future__ import annotations


def split_text(text: str, limit: int) -> list[str]:
    """Split at paragraph breaks, then line breaks, then spaces; never cut inside a word
    unless a single word is longer than ``limit``."""
    if len(text) <= limit:
        return [text]
    parts: list[str] = []
    rest = text
    while len(rest) > limit:
        window = rest[:limit]
        for separator in ("\n\n", "\n", " "):
            cut = window.rfind(separator)
            if cut > limit // 4:
                parts.append(rest[:cut].rstrip())
                rest = rest[cut + len(separator) :].lstrip("\n")
                break
        else:
            parts.append(window)
            rest = rest[limit:]
    if rest.strip():
        parts.append(rest)
    return parts
