"""Text normalisation and tokenisation shared by the FAQ index and its questions.

Both sides of every comparison go through the same functions, so a phrasing in the knowledge
base and a member's question that differ only in case, width, punctuation, plural endings or
a listed synonym look the same to every signal.
"""

from __future__ import annotations

import itertools
import re
import unicodedata
from collections.abc import Iterable, Iterator, Mapping, Sequence
from functools import lru_cache
from pathlib import Path
from typing import Any

MAX_QUESTION_CHARS = 1000
"""Longer input is cut: FAQ questions are short, and n-gram cost grows with length."""

_CJK = (
    "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"  # unified ideographs, extension A, compatibility
    "\u3040-\u30ff"  # kana: Japanese text shares the character n-gram treatment
    "\uac00-\ud7af"  # hangul syllables
)
_TOKEN_RE = re.compile(rf"[{_CJK}]+|[^\W_{_CJK}]+(?:'[^\W_{_CJK}]+)*")
TEXT_BREAK = "\x1f"
"""Joins texts tokenised together; a control character no one types, kept as a token."""
_BATCH_TOKEN_RE = re.compile(TEXT_BREAK + "|" + _TOKEN_RE.pattern)
_BATCH = 20_000
"""Texts folded together, bounding the joined string to a few megabytes."""
_CJK_RUN_RE = re.compile(rf"^[{_CJK}]+$")
_CJK_ANY_RE = re.compile(rf"[{_CJK}]")

# Short stemmer: enough to fold "cards"/"card" and "charged"/"charge" together without a
# dictionary. Words are only shortened when a real stem is left, so "bus" and "this" survive.
_SUFFIXES = ("ing", "ed", "ies", "es", "s")
_KEEP = frozenset(
    {
        *("is", "was", "has", "does", "this", "his", "its", "yes", "us", "bus", "gas", "plus"),
        *("less", "unless", "always", "news", "series", "address", "process", "access"),
        *("business", "status", "bonus"),
    }
)


def _stem(word: str) -> str:
    if len(word) <= 3 or word in _KEEP or word.endswith("ss"):
        return word
    for suffix in _SUFFIXES:
        if word.endswith(suffix) and len(word) - len(suffix) >= 3:
            stem = word[: -len(suffix)]
            if suffix == "ies":
                return stem + "y"
            if suffix == "ing" and len(stem) > 3 and stem[-1] == stem[-2]:
                return stem[:-1]
            return stem
    return word


def is_cjk(token: str) -> bool:
    """Whether a token is a run of CJK characters, which carry no spaces between words."""
    return bool(_CJK_RUN_RE.match(token))


_FOLD_CACHE_LIMIT = 500_000
"""Distinct tokens remembered; a knowledge base's vocabulary fits, a flood of junk does not."""


class Normaliser:
    """Folds a text to the tokens every signal compares.

    Synonym groups map each variant to the group's first term, on whole words for alphabetic
    scripts and on substrings for CJK, where there are no word boundaries to respect.
    """

    def __init__(self, synonyms: Mapping[str, str] | None = None) -> None:
        self._synonyms = dict(synonyms or {})
        words = [v for v in self._synonyms if not has_cjk(v)]
        cjk = sorted((v for v in self._synonyms if has_cjk(v)), key=len, reverse=True)
        self._word_re = re.compile(r"(?<!\w)" + _trie(words) + r"(?!\w)") if words else None
        self._cjk_re = re.compile("|".join(map(re.escape, cjk))) if cjk else None

    def clean(self, text: str) -> str:
        """Case- and width-folded text with synonyms replaced; the base of every signal."""
        return self._clean(text[:MAX_QUESTION_CHARS])

    def _clean(self, text: str) -> str:
        text = unicodedata.normalize("NFKC", text).casefold()
        text = text.replace("’", "'").replace("‘", "'")
        if self._word_re is not None:
            text = self._word_re.sub(lambda m: self._synonyms[m.group(0)], text)
        if self._cjk_re is not None and _CJK_ANY_RE.search(text):
            text = self._cjk_re.sub(lambda m: self._synonyms[m.group(0)], text)
        return text

    def tokens(self, text: str) -> list[str]:
        """Stemmed words and whole CJK runs, in order; empty for punctuation-only text."""
        return self.tokens_many([text])[0]

    def tokens_many(self, texts: Sequence[str]) -> list[list[str]]:
        """:meth:`tokens` of each text."""
        out: list[list[str]] = []
        for batch in self.raw_tokens(texts):
            current: list[str] = []
            out.append(current)
            for token in batch:
                if token == TEXT_BREAK:
                    current = []
                    out.append(current)
                else:
                    current.append(fold(token))
        return out

    def raw_tokens(self, texts: Sequence[str]) -> Iterator[list[str]]:
        """Cleaned but unstemmed tokens of ``texts``, a batch at a time, with
        :data:`TEXT_BREAK` between one text's tokens and the next's within a batch.

        The texts are cleaned as one string, so each regular expression runs once per batch:
        at 100,000 entries, half a million separate calls cost more than the work itself.
        Callers :func:`fold` each distinct token once rather than every occurrence.
        """
        for start in range(0, len(texts), _BATCH):
            batch = texts[start : start + _BATCH]
            joined = TEXT_BREAK.join(t[:MAX_QUESTION_CHARS].replace(TEXT_BREAK, " ") for t in batch)
            yield _BATCH_TOKEN_RE.findall(self._clean(joined))


@lru_cache(maxsize=_FOLD_CACHE_LIMIT)
def fold(token: str) -> str:
    """A token as every signal compares it: stemmed, or a CJK run as it is.

    Cached because a large knowledge base meets the same few thousand words millions of
    times; not idempotent ("focuses" -> "focus" -> "focu"), so fold each token once.
    """
    return token if is_cjk(token) else _stem(token)


def _trie(words: Iterable[str]) -> str:
    """One pattern matching any of ``words``, longest first, shaped as a prefix tree so the
    engine tries one branch per position instead of every word: twice as fast on big texts."""
    root: dict[str, dict[str, Any]] = {}
    for word in words:
        node = root
        for char in word:
            node = node.setdefault(char, {})
        node[""] = {}

    def pattern(node: dict[str, dict[str, Any]]) -> str:
        branches = [re.escape(c) + pattern(rest) for c, rest in sorted(node.items()) if c]
        if not branches:
            return ""
        body = branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
        return f"(?:{body})?" if "" in node else body

    return pattern(root)


def word_features(text: str) -> list[str]:
    """Word unigrams and bigrams of space-joined tokens; CJK runs become character
    1-3-grams instead.

    Unsegmented Chinese has no words to count, and single characters already carry meaning,
    so character n-grams stand in for words there.
    """
    tokens = text.split()
    if not _CJK_ANY_RE.search(text):
        return tokens + [a + " " + b for a, b in itertools.pairwise(tokens)]
    out: list[str] = []
    prev: str | None = None
    for tok in tokens:
        if starts_cjk(tok):
            out.extend(cjk_grams(tok))
            prev = None
            continue
        out.append(tok)
        if prev is not None:
            out.append(prev + " " + tok)
        prev = tok
    return out


def char_features(text: str) -> list[str]:
    """Character 2-5-grams inside padded alphabetic words of space-joined tokens, which
    tolerate typos and inflections the stemmer misses. CJK is covered by :func:`word_features`.
    """
    out: list[str] = []
    for tok in text.split():
        if not starts_cjk(tok):
            out.extend(_char_ngrams(f" {tok} ", 2, 5))
    return out


def starts_cjk(token: str) -> bool:
    """Cheap :func:`is_cjk` for tokens from :meth:`Normaliser.tokens`, which never mix."""
    first = token[0]
    return (
        "\u3040" <= first <= "\u9fff"
        or "\uac00" <= first <= "\ud7af"
        or ("\uf900" <= first <= "\ufaff")
    )


def cjk_grams(run: str) -> list[str]:
    """The character 1-3-grams that stand in for words in a CJK run."""
    return _char_ngrams(run, 1, 3)


def _char_ngrams(text: str, low: int, high: int) -> list[str]:
    return [text[i : i + n] for n in range(low, high + 1) for i in range(len(text) - n + 1)]


def has_cjk(text: str) -> bool:
    """Whether any character of ``text`` is CJK."""
    return bool(_CJK_ANY_RE.search(text))


BUNDLED_SYNONYMS = Path(__file__).resolve().parents[3] / "knowledge" / "synonyms"
"""The lists shipped with Townhall, used for every locale a knowledge base has none for."""

Synonyms = dict[str, dict[str, str]]
"""Locale -> variant -> canonical term."""


def load_synonyms(directory: Path | None) -> Synonyms:
    """Each locale's variant -> canonical term map, from ``<locale>.txt`` files.

    The shipped lists apply first; a ``directory`` file replaces the shipped one for its
    locale (an empty file turns a locale's synonyms off). A missing directory means the
    shipped lists alone, so a knowledge base without its own still gets them. One group per
    line, comma separated, canonical term first; ``#`` starts a comment. Locales stay apart:
    one language's word may be another's unrelated one.
    """
    files = {path.stem: path for path in _lists(BUNDLED_SYNONYMS)}
    if directory is not None:
        files.update({path.stem: path for path in _lists(directory)})
    return {locale: _read_synonyms(path) for locale, path in sorted(files.items())}


def synonyms_for(synonyms: Synonyms, locale: str) -> dict[str, str]:
    """The map for ``locale``, else for another locale of its language ("zh" -> "zh-CN")."""
    if locale in synonyms:
        return synonyms[locale]
    language = locale.split("-")[0].lower()
    for name in sorted(synonyms):
        if name.split("-")[0].lower() == language:
            return synonyms[name]
    return {}


def every_locale(synonyms: Synonyms) -> dict[str, str]:
    """All locales' maps in one, for text whose language nobody knows (feedback themes);
    the FAQ, which knows each entry's and question's locale, keeps them apart."""
    merged: dict[str, str] = {}
    for locale in sorted(synonyms):
        for variant, canonical in synonyms[locale].items():
            merged.setdefault(variant, canonical)
    return merged


def _lists(directory: Path) -> list[Path]:
    return sorted(directory.glob("*.txt")) if directory.is_dir() else []


def _read_synonyms(path: Path) -> dict[str, str]:
    mapping: dict[str, str] = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        terms = [_fold(t) for t in line.split("#", 1)[0].split(",")]
        terms = [t for t in terms if t]
        for variant in terms[1:]:
            mapping.setdefault(variant, terms[0])
    return mapping


def _fold(term: str) -> str:
    return " ".join(unicodedata.normalize("NFKC", term).casefold().split())
