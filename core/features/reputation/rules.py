"""Reading a message for reputation: is it a thanks, whom does it name, is it new words.

Pure functions, no database: the earning service asks these and decides.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata

THANKS = re.compile(
    r"(?<![a-z])(thanks|thank\s*you|thx|thnx|tysm|ty|cheers|appreciate\s+it)(?![a-z])"
    r"|谢谢|感谢|多谢|谢啦|谢了|3q",
    re.IGNORECASE,
)
NAMED = re.compile(r"<@!?(\d+)>|@([\w.\-]+)")
_CJK = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
FINGERPRINT_BITS = 64
NEAR_SAME_BITS = 3
"""Two fingerprints this close (differing bits of 64) are the same words, near enough."""


def is_thanks(text: str) -> bool:
    return THANKS.search(text) is not None


def named(text: str) -> list[str]:
    """Who a message names: Discord's ``<@id>`` mentions and ``@name`` words, in order."""
    return [mention or word for mention, word in NAMED.findall(text)]


def meaningful_length(text: str) -> int:
    """Characters that say something: letters and digits, a Han character counting as one."""
    return sum(1 for char in text if char.isalnum())


def _normalized(text: str) -> str:
    """Case, accents, punctuation, spaces, digits and repeated letters do not make words new:
    "Nice!!!", "nice" and "niiice 2" are the same message."""
    folded = unicodedata.normalize("NFKC", text).casefold()
    kept = "".join(char for char in folded if char.isalpha())
    return re.sub(r"(.)\1+", r"\1", kept)


def _features(text: str) -> list[str]:
    """Character trigrams; Han text has no spaces, so its bigrams carry the meaning."""
    size = 2 if _CJK.search(text) else 3
    if len(text) <= size:
        return [text]
    return [text[i : i + size] for i in range(len(text) - size + 1)]


def fingerprint(text: str) -> int:
    """A 64-bit SimHash of the normalized text, as a signed integer a BIGINT column holds."""
    weights = [0] * FINGERPRINT_BITS
    for feature in _features(_normalized(text)):
        value = int.from_bytes(hashlib.blake2b(feature.encode(), digest_size=8).digest(), "big")
        for bit in range(FINGERPRINT_BITS):
            weights[bit] += 1 if value >> bit & 1 else -1
    unsigned = sum(1 << bit for bit, weight in enumerate(weights) if weight > 0)
    return unsigned - (1 << FINGERPRINT_BITS) if unsigned >= 1 << 63 else unsigned


def near_same(a: int, b: int) -> bool:
    return ((a ^ b) & ((1 << FINGERPRINT_BITS) - 1)).bit_count() <= NEAR_SAME_BITS
