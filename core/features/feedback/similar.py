"""Finding open feedback that says the same as a new submission, with the FAQ search engine.

Each open item is indexed as a knowledge-base entry (its title and description are the
phrasings) and a submission is searched like a question. Two adjustments make the engine fit:

- Filler that every request shares ("please add", "希望增加", "feature") is removed from
  both sides first; otherwise "please add a calendar" matches "please add a dark mode".
- The engine runs in its nearest-phrasing mode. Its classifier mode ranks entries against
  each other, so with only a handful of open items anything looks like a confident match.

The index is rebuilt only when the set of open items changes.
"""

from __future__ import annotations

import asyncio
import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from core import locale as locales
from core.features.faq.entries import KBEntry
from core.features.faq.search import SearchIndex
from core.features.faq.search_text import Normaliser, every_locale, is_cjk, load_synonyms
from core.features.feedback.models import FeedbackItem
from core.features.feedback.status import OPEN

FILLER = ENGLISH_STOP_WORDS | {
    *("add", "please", "pls", "plz", "feature", "option", "want", "need", "like", "make"),
    *("allow", "support", "request", "idea", "suggestion", "bug", "issue", "problem"),
    *("thanks", "thank", "hi", "hello"),
}
_CJK_FILLER = re.compile(
    "希望|能不能|可不可以|可以|请|增加|添加|一个|什么时候|建议|支持|功能|谢谢|问题"
)

Signature = tuple[int, int | None, datetime | None]


@dataclass(frozen=True)
class Match:
    item_id: int
    score: float


class SimilarFinder:
    def __init__(self, min_score: float, limit: int) -> None:
        self.min_score = min_score
        self.limit = limit
        self._normaliser = Normaliser(every_locale(load_synonyms(None)))
        # Tokens come stemmed ("issues" → "issu"), so the filler is compared stemmed too.
        self._filler = FILLER | {t for word in FILLER for t in self._normaliser.tokens(word)}
        self._index: SearchIndex | None = None
        self._signature: Signature | None = None
        self._lock = asyncio.Lock()

    async def find(
        self, session: AsyncSession, title: str, description: str, *, exclude: int | None = None
    ) -> list[Match]:
        """Open items likely to be the same request, best first."""
        index = await self._current(session)
        query = self.essence(f"{title}\n{description}")
        if index is None or not query:
            return []
        result = index.search(query, limit=self.limit + 1)
        matches = [
            Match(int(c.entry_id), c.score)
            for c in result.candidates
            if c.score >= self.min_score and int(c.entry_id) != exclude
        ]
        return matches[: self.limit]

    def essence(self, text: str) -> str:
        """The words that carry the request, filler removed, as the index stores them."""
        words: list[str] = []
        for token in self._normaliser.tokens(text):
            if is_cjk(token):
                words.extend(_CJK_FILLER.sub(" ", token).split())
            elif token not in self._filler:
                words.append(token)
        return " ".join(words)

    async def _current(self, session: AsyncSession) -> SearchIndex | None:
        open_items = FeedbackItem.status.in_(OPEN)
        row = (
            await session.execute(
                select(
                    func.count(FeedbackItem.id),
                    func.max(FeedbackItem.id),
                    func.max(FeedbackItem.updated_at),
                ).where(open_items)
            )
        ).one()
        signature: Signature = (row[0], row[1], row[2])
        async with self._lock:
            if signature != self._signature:
                rows = await session.execute(
                    select(FeedbackItem.id, FeedbackItem.title, FeedbackItem.description).where(
                        open_items
                    )
                )
                self._index = await asyncio.to_thread(
                    self._build, [(row[0], row[1], row[2]) for row in rows]
                )
                self._signature = signature
            return self._index

    def _build(self, rows: Sequence[tuple[int, str, str]]) -> SearchIndex | None:
        entries = []
        for item_id, title, description in rows:
            phrasings = [p for p in (self.essence(title), self.essence(description)) if p]
            if phrasings:
                entries.append(
                    KBEntry(
                        id=str(item_id),
                        title=phrasings[0],
                        questions=tuple(phrasings[1:]),
                        answer="",
                        locale=locales.of_text(f"{title}{description}") or "en",
                    )
                )
        if not entries:
            return None
        return SearchIndex.build(entries, max_classifier_phrasings=0)
