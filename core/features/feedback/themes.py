"""What members keep raising: recent feedback and unanswered questions grouped into themes.

Texts become TF-IDF vectors over the FAQ search's own normalisation (case, width, stems,
synonyms), English stop words dropped, word unigrams and bigrams for alphabetic text and
character 1-3-grams for Chinese, which has no spaces. Average-linkage agglomerative
clustering on cosine distance (SciPy's, which scikit-learn's AgglomerativeClustering wraps;
called directly to skip a dense float64 copy of every pair) then merges texts while a group
stays closer than a threshold, so the number of themes follows the data and one-off texts
stay out instead of being forced into a theme. There is no randomness anywhere, so the same
texts always give the same themes.
"""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

import numpy as np
import numpy.typing as npt
import scipy.sparse as sp
from scipy.cluster.hierarchy import fcluster, linkage
from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS, TfidfVectorizer
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from core.features.faq.models import AnswerLog
from core.features.faq.search_text import (
    Normaliser,
    every_locale,
    is_cjk,
    load_synonyms,
    word_features,
)
from core.features.feedback.models import FeedbackItem

FloatArray = npt.NDArray[np.float64]

FEEDBACK = "feedback"
QUESTION = "question"

STOP_WORDS = ENGLISH_STOP_WORDS - {"in", "out", "up", "on", "off"}
"""Particles stay: they are half of "log in", "sign up", the phrases synonyms fold to."""
LABEL_TERMS = 3
MAX_LABEL_CHARS = 8
_BLOCK = 500
EXAMPLES = 3


@dataclass(frozen=True)
class Document:
    """One text to group: a feedback item (``ref`` its id) or an unanswered question."""

    text: str
    source: str
    ref: int


@dataclass(frozen=True)
class Theme:
    """A group of similar texts: ``label`` its top terms, ``examples`` its most typical texts."""

    label: tuple[str, ...]
    count: int
    feedback: int
    questions: int
    examples: tuple[Document, ...]


@dataclass(frozen=True)
class ThemeReport:
    """Themes of one window, largest first; ``unthemed`` texts resembled nothing else."""

    since: datetime
    until: datetime
    texts: int
    themes: tuple[Theme, ...]

    @property
    def unthemed(self) -> int:
        return self.texts - sum(theme.count for theme in self.themes)


class ThemeFinder:
    def __init__(
        self,
        *,
        max_distance: float,
        min_size: int,
        max_themes: int,
        max_texts: int,
    ) -> None:
        self.max_distance = max_distance
        self.min_size = min_size
        self.max_themes = max_themes
        self.max_texts = max_texts
        self._normaliser = Normaliser(every_locale(load_synonyms(None)))

    async def report(self, session: AsyncSession, now: datetime, days: int) -> ThemeReport:
        """Themes of the last ``days`` days; the most recent ``max_texts`` texts count."""
        since = now - timedelta(days=days)
        documents = await self._documents(session, since, now)
        themes = await asyncio.to_thread(self.cluster, documents)
        return ThemeReport(since, now, len(documents), themes)

    async def _documents(
        self, session: AsyncSession, since: datetime, until: datetime
    ) -> list[Document]:
        """The newest ``max_texts`` of both kinds together, so neither crowds the other out
        by coming first."""
        items = await session.execute(
            select(
                FeedbackItem.created_at,
                FeedbackItem.id,
                FeedbackItem.title,
                FeedbackItem.description,
            )
            .where(
                FeedbackItem.created_at >= since,
                FeedbackItem.created_at <= until,
            )
            .order_by(FeedbackItem.created_at.desc(), FeedbackItem.id.desc())
            .limit(self.max_texts)
        )
        questions = await session.execute(
            select(AnswerLog.asked_at, AnswerLog.id, AnswerLog.question)
            .where(
                AnswerLog.answered.is_(False),
                AnswerLog.asked_at >= since,
                AnswerLog.asked_at <= until,
            )
            .order_by(AnswerLog.asked_at.desc(), AnswerLog.id.desc())
            .limit(self.max_texts)
        )
        dated = [
            (at, Document(" — ".join(p for p in (title, description) if p), FEEDBACK, ref))
            for at, ref, title, description in items
        ]
        dated += [(at, Document(text, QUESTION, ref)) for at, ref, text in questions]
        dated.sort(key=lambda pair: (pair[0], pair[1].ref), reverse=True)
        return [document for _, document in dated[: self.max_texts]]

    def cluster(self, documents: Sequence[Document]) -> tuple[Theme, ...]:
        """Group ``documents``; texts in no group of at least ``min_size`` are left out."""
        documents = sorted(documents, key=lambda d: (d.source, d.ref))
        if len(documents) < max(2, self.min_size):
            return ()
        vectoriser = TfidfVectorizer(analyzer=self._features, sublinear_tf=True, dtype=np.float64)
        try:
            vectors = vectoriser.fit_transform([d.text for d in documents])
        except ValueError:  # nothing but stop words and punctuation
            return ()
        tree = linkage(_condensed_cosine_distances(vectors), method="average")
        labels = fcluster(tree, t=self.max_distance, criterion="distance")
        terms = vectoriser.get_feature_names_out()
        themes = []
        for label in np.unique(labels):
            members = np.flatnonzero(labels == label)
            if len(members) < self.min_size:
                continue
            rows = vectors[members]
            centroid = np.asarray(rows.mean(axis=0)).ravel()
            coverage = np.asarray((rows > 0).sum(axis=0)).ravel()
            closeness = np.asarray(rows @ centroid).ravel()
            typical = members[np.lexsort((members, -closeness))]
            themes.append(
                Theme(
                    label=_label(
                        np.where(coverage >= 2, centroid, 0.0),
                        coverage,
                        terms,
                        [self._normaliser.clean(documents[i].text) for i in members],
                    ),
                    count=len(members),
                    feedback=sum(documents[i].source == FEEDBACK for i in members),
                    questions=sum(documents[i].source == QUESTION for i in members),
                    examples=tuple(documents[i] for i in typical[:EXAMPLES]),
                )
            )
        themes.sort(key=lambda t: (-t.count, t.label))
        return tuple(themes[: self.max_themes])

    def _features(self, text: str) -> list[str]:
        tokens = [t for t in self._normaliser.tokens(text) if t not in STOP_WORDS]
        return word_features(" ".join(tokens))


def _condensed_cosine_distances(vectors: sp.csr_matrix) -> FloatArray:
    """Pairwise distances in SciPy's condensed form, a block of rows at a time.

    The square matrix, or the sparse product of all rows at once, would hold every pair
    two to three times over: hundreds of megabytes at 5,000 texts instead of 100.
    """
    count = vectors.shape[0]
    condensed = np.empty(count * (count - 1) // 2)
    transposed = vectors.T.tocsc()
    offset = 0
    for start in range(0, count, _BLOCK):
        block = 1.0 - (vectors[start : start + _BLOCK] @ transposed).toarray()
        for row in range(block.shape[0]):
            tail = block[row, start + row + 1 :]
            condensed[offset : offset + len(tail)] = tail
            offset += len(tail)
    np.clip(condensed, 0.0, 2.0, out=condensed)
    return condensed


def _label(
    centroid: FloatArray,
    coverage: npt.NDArray[np.intp],
    terms: npt.NDArray[np.str_],
    texts: Sequence[str],
) -> tuple[str, ...]:
    """The heaviest terms, skipping single Chinese characters (too vague to name a theme) and
    terms overlapping a heavier one; ``centroid`` is zero for terms only one text uses.

    A term gives way to a longer one in as many texts ("log" to "log in"), and a Chinese
    n-gram is first grown to the longest run the same texts share ("暗黑" → "暗黑模式"),
    since n-grams cut across words.
    """
    chosen: dict[str, int] = {}  # term → texts using it, heaviest first
    for index in np.lexsort((terms, -centroid)):
        if centroid[index] <= 0:
            break
        term, count = str(terms[index]), int(coverage[index])
        if all(word in ENGLISH_STOP_WORDS for word in term.split()):
            continue
        if is_cjk(term):
            if len(term) == 1:
                continue
            term = _grow(term, texts)
        shorter = next((other for other in chosen if _overlap(term, other)), None)
        if shorter is None:
            if len(chosen) < LABEL_TERMS:
                chosen[term] = count
        elif len(term.split()) > len(shorter.split()) and chosen[shorter] == count:
            chosen = {
                (term if other == shorter else other): n
                for other, n in chosen.items()
                if other == shorter or not _overlap(term, other)
            }
    return tuple(chosen)


def _grow(term: str, texts: Sequence[str]) -> str:
    """Extend a Chinese term one character at a time while every text containing it still
    contains the longer run."""
    holders = [text for text in texts if term in text]
    while len(term) < MAX_LABEL_CHARS:
        extensions = sorted(
            {
                text[i - 1 : i + len(term)] if side < 0 else text[i : i + len(term) + 1]
                for text in holders
                for side in (-1, 1)
                for i in _occurrences(text, term)
                if i + side >= 0 and i + len(term) + max(side, 0) <= len(text)
            }
        )
        grown = next(
            (
                longer
                for longer in extensions
                if is_cjk(longer) and all(longer in text for text in holders)
            ),
            None,
        )
        if grown is None:
            return term
        term = grown
    return term


def _occurrences(text: str, term: str) -> list[int]:
    return [i for i in range(len(text) - len(term) + 1) if text.startswith(term, i)]


def _overlap(a: str, b: str) -> bool:
    if is_cjk(a.replace(" ", "")) or is_cjk(b.replace(" ", "")):
        return a in b or b in a
    words_a, words_b = set(a.split()), set(b.split())
    return words_a <= words_b or words_b <= words_a
