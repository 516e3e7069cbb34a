"""Ranks knowledge-base entries for a member's question and says how sure it is.

Every question is matched against every phrasing of every entry (title and questions) with
TF-IDF vectors: word unigrams and bigrams, character n-grams inside words for typos, and
character 1-3-grams for Chinese, which has no spaces. For a knowledge base of up to a few
hundred entries, a softmax classifier trained on the phrasings then ranks the entries, since
it learns which words set them apart; when a sentence encoder for the question's script is
installed, its embedding similarities join the TF-IDF ones in the classifier's space (see
``search_semantic``), which matches paraphrases that share no words. Bigger knowledge bases
skip the classifier, the embeddings and the in-word n-grams, which do not scale, and rank by
nearest phrasing (the TF-IDF spaces are in ``search_vectors``). The twenty leading
entries are re-scored with rapidfuzz and the signals are turned into a calibrated probability
(see ``search_calibration``), so one threshold means the same for every question, language
and knowledge-base size.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from types import MappingProxyType

import numpy as np
import numpy.typing as npt
import scipy.sparse as sp
from rapidfuzz import fuzz, process

from core import locale as locales
from core.features.faq.entries import KBEntry
from core.features.faq.search_calibration import (
    DEFAULT_MIN_CONFIDENCE,
    MinConfidence,
    Mode,
    calibrated,
    locale_family,
    threshold_for,
)
from core.features.faq.search_classifier import PhrasingClassifier
from core.features.faq.search_ranking import best_other, margin, top
from core.features.faq.search_semantic import SemanticView
from core.features.faq.search_text import (
    TEXT_BREAK,
    Normaliser,
    Synonyms,
    load_synonyms,
    synonyms_for,
)
from core.features.faq.search_vectors import Batch, CharSpace, Space, WordSpace, unit_columns
from core.features.faq.semantic_cache import Embedder, shared_embedders

__all__ = ["DEFAULT_MIN_CONFIDENCE", "Candidate", "MinConfidence", "SearchIndex", "SearchResult"]

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.intp]

CLASSIFIER_MAX_PHRASINGS = 1200
"""About 200 entries. The classifier's fit grows cubically with phrasings and takes about
two seconds here; past that a reload would stall, so nearest-phrasing retrieval takes over."""

_CLASSIFIER_C = 10.0
_SHORTLIST = 20
"""Entries re-scored with rapidfuzz and calibrated; the rest cannot outrank them."""
_RETRIEVAL_PHRASINGS = 200
"""Nearest phrasings considered in retrieval mode: enough to fill the shortlist."""
SEMANTIC_WEIGHTS = {"latin": 32.0, "cjk": 32.0}
"""Weight of the sentence-embedding dot products beside the TF-IDF ones in the classifier's
joint space, per script family, chosen on the val splits. With e5 blended into English's
(see ``search_semantic.SHARES``), calibration refitted each time and the threshold set for
at most 7.5% wrong on both English sets, CLINC150 / BANKING77 answered 73.3% / 72.5%
correctly at 16, 74.2% / 73.8% at 32 and 74.0% / 74.0% at 48."""


class _Shared:
    """Type of :data:`SHARED`."""


SHARED = _Shared()
"""``build``'s default embedders: the process's shared ones, for the models installed."""


@dataclass(frozen=True)
class Candidate:
    """An entry that may answer the question; ``score`` is the calibrated probability."""

    entry_id: str
    score: float
    family: str
    """The entry's script family, whose threshold applies (see ``DEFAULT_MIN_CONFIDENCE``)."""


@dataclass(frozen=True)
class SearchResult:
    """The question as asked and its candidates, best first."""

    question: str
    candidates: tuple[Candidate, ...]

    @property
    def best(self) -> Candidate | None:
        return self.candidates[0] if self.candidates else None

    def confident(self, min_confidence: MinConfidence) -> Candidate | None:
        """The best candidate, only if it is likely enough to be right to answer with."""
        best = self.best
        if best is None or best.score < threshold_for(min_confidence, best.family):
            return None
        return best


@dataclass(frozen=True)
class _Features:
    """Signals for a shortlist of entries, kept apart from scoring so calibration can be
    refitted from exactly what search sees."""

    entries: IntArray
    mode: Mode
    values: FloatArray  # one row per shortlisted entry, columns as search_calibration.FEATURES
    semantic_family: str | None = None
    """Script family of the encoder that read the question, in semantic mode."""

    def mode_for(self, family: str) -> Mode:
        """The calibration for an entry of ``family``: an encoder's similarities mean nothing
        for entries written in a script it did not read, so those are scored lexically."""
        if self.mode == "semantic" and family != self.semantic_family:
            return "classifier"
        return self.mode


class SearchIndex:
    """An immutable index over a knowledge base; rebuild it when entries change."""

    def __init__(
        self,
        entries: Sequence[KBEntry],
        normalisers: Mapping[str, Normaliser],
        spaces: list[Space],
        phrasing_vectors_t: sp.csr_matrix,
        phrasing_entry: IntArray,
        classifier: PhrasingClassifier | None,
        semantic: SemanticView | None = None,
    ) -> None:
        self._entries = list(entries)
        self._by_id = MappingProxyType({e.id: e for e in self._entries})
        self._locale = np.array([e.locale for e in self._entries], dtype=object)
        self._family = np.array([locale_family(e.locale) for e in self._entries], dtype=object)
        self._normalisers = normalisers
        self._spaces = spaces
        self._vectors_t = phrasing_vectors_t
        self._phrasing_entry = phrasing_entry
        self._entry_start = np.searchsorted(phrasing_entry, np.arange(len(self._entries)))
        self._classifier = classifier
        self._semantic = semantic

    @classmethod
    def build(
        cls,
        entries: Sequence[KBEntry],
        synonyms_dir: Path | None = None,
        *,
        max_classifier_phrasings: int = CLASSIFIER_MAX_PHRASINGS,
        embedders: Mapping[str, Sequence[Embedder]] | _Shared = SHARED,
    ) -> SearchIndex:
        """Index ``entries``; ``synonyms_dir``'s per-locale lists replace the shipped ones.

        ``max_classifier_phrasings`` exists so calibration and tests can exercise the
        retrieval mode that large knowledge bases get without building one. ``embedders``
        (each script family's encoders) add the semantic view to knowledge bases small enough
        for the classifier; at retrieval sizes, embedding every phrasing would take minutes
        and every question tens of milliseconds, so those stay lexical.
        """
        if len({e.id for e in entries}) != len(entries):
            raise ValueError("knowledge-base entry ids must be unique")
        normalisers = _normalisers(load_synonyms(synonyms_dir), {e.locale for e in entries})
        owner = [index for index, entry in enumerate(entries) for _ in entry.phrasings]
        small = len(owner) <= max_classifier_phrasings
        spaces: list[Space] = []
        blocks = []
        if owner:
            words, block = WordSpace.fit(_raw_batches(entries, normalisers), len(owner))
            spaces.append(words)
            blocks.append(block)
        if owner and small:
            texts = [
                " ".join(tokens)
                for entry in entries
                for tokens in normalisers[entry.locale].tokens_many(entry.phrasings)
            ]
            chars, block = CharSpace.fit(texts)
            spaces.append(chars)
            blocks.append(block)
        # Features by phrasings, so a question's similarities are one sparse row product.
        vectors_t = _join(blocks) if blocks else sp.csr_matrix((0, 0), dtype=np.float32)
        del blocks
        phrasing_entry = np.asarray(owner, dtype=np.intp)
        classifier = None
        semantic = None
        if small and entries:
            gram = (vectors_t.T @ vectors_t).toarray().astype(np.float64)
            semantic = SemanticView.build(
                shared_embedders() if isinstance(embedders, _Shared) else embedders,
                [p for e in entries for p in e.phrasings],
                [locale_family(e.locale) for e in entries for _ in e.phrasings],
                phrasing_entry,
                SEMANTIC_WEIGHTS,
            )
            if semantic is not None:
                gram += semantic.gram()
            classifier = PhrasingClassifier.fit(gram, phrasing_entry, len(entries), _CLASSIFIER_C)
        return cls(
            entries,
            normalisers,
            spaces,
            vectors_t,
            phrasing_entry,
            classifier,
            semantic,
        )

    def __len__(self) -> int:
        return len(self._entries)

    @property
    def entries(self) -> Mapping[str, KBEntry]:
        return self._by_id

    def search(self, question: str, limit: int = 3, locale: str | None = None) -> SearchResult:
        """Entries most likely to answer ``question``, restricted to ``locale`` if given."""
        features = self._features(question, locale)
        if features is None or limit <= 0:
            return SearchResult(question=question, candidates=())
        families = self._family[features.entries]
        scores = np.zeros(len(features.entries))
        for family in sorted(set(families)):
            rows = families == family
            scores[rows] = calibrated(features.mode_for(family), family, features.values[rows])
        order = np.lexsort((features.entries, -scores))[:limit]
        candidates = tuple(
            Candidate(self._entries[features.entries[i]].id, float(scores[i]), str(families[i]))
            for i in order
        )
        return SearchResult(question=question, candidates=candidates)

    def _features(self, question: str, locale: str | None) -> _Features | None:
        # A question is folded with its own language's synonyms, like the entries written in it.
        language = locale or locales.of_text(question) or "en"
        normaliser = self._normalisers.get(language)
        tokens = normaliser.tokens(question) if normaliser is not None else []
        allowed = np.ones(len(self._entries), dtype=bool)
        if locale is not None:
            allowed = self._locale == locale
        if not tokens or not allowed.any():
            return None
        query = self._vectorise(tokens)
        if self._classifier is not None:
            rivals = allowed & (self._family == locale_family(language))
            return self._classifier_features(
                question, query, tokens, allowed, rivals if rivals.any() else allowed
            )
        return self._retrieval_features(query, tokens, allowed)

    def _vectorise(self, tokens: list[str]) -> sp.csr_matrix:
        """The question's row in the phrasings' space, scaled like ``_join`` scales theirs."""
        columns = []
        weights = []
        offset = 0
        for space in self._spaces:
            indices, weight = space.row(tokens)
            if len(weight):
                columns.append(indices + offset)
                weights.append(weight)
            offset += space.width
        if not weights:
            return sp.csr_matrix((1, offset), dtype=np.float32)
        data = np.concatenate(weights) / np.float32(np.sqrt(len(weights)))
        indices = np.concatenate(columns)
        return sp.csr_matrix((data, indices, np.array([0, len(indices)])), shape=(1, offset))

    def _classifier_features(
        self,
        question: str,
        query: sp.csr_matrix,
        tokens: list[str],
        allowed: npt.NDArray[np.bool_],
        rivals: npt.NDArray[np.bool_],
    ) -> _Features:
        """``rivals`` are the allowed entries in the question's script family: the ones it
        is really choosing between, since entries in another script barely compete."""
        assert self._classifier is not None
        sims = np.asarray((query @ self._vectors_t).todense(), dtype=np.float64).ravel()
        cosine = np.maximum.reduceat(sims, self._entry_start)
        view = self._semantic.similarities(question) if self._semantic is not None else None
        joint = sims if view is None else sims + view.weight * view.cosines
        logits = self._classifier.logits(joint[None, :]).ravel()
        logits[~allowed] = -np.inf
        logits -= logits[allowed].max()
        prob = np.exp(logits)
        prob /= prob.sum()
        shortlist = top(np.where(allowed, prob, -1.0), _SHORTLIST, int(allowed.sum()))
        logit_margin = logits[shortlist] - best_other(logits, shortlist)
        columns = [
            cosine[shortlist],
            margin(cosine, shortlist, allowed),
            self._fuzz(tokens, shortlist),
            prob[shortlist],
            np.clip(logit_margin, -20.0, 20.0) / 10.0,
            np.full(len(shortlist), np.log(rivals.sum())),
        ]
        if view is None:
            return _Features(shortlist, "classifier", np.column_stack(columns))
        closest = np.maximum.reduceat(view.cosines, self._entry_start)
        typical = view.typical[shortlist]
        columns += [
            closest[shortlist],
            margin(closest, shortlist, allowed),
            closest[shortlist] - typical,
        ]
        return _Features(shortlist, "semantic", np.column_stack(columns), view.family)

    def _retrieval_features(
        self, query: sp.csr_matrix, tokens: list[str], allowed: npt.NDArray[np.bool_]
    ) -> _Features | None:
        sims = query @ self._vectors_t
        phrasings = sims.indices
        data = np.asarray(sims.data, dtype=np.float64)
        if not allowed.all():
            keep = allowed[self._phrasing_entry[phrasings]]
            phrasings, data = phrasings[keep], data[keep]
        if not len(data):
            return None
        nearest = top(data, _RETRIEVAL_PHRASINGS, len(data))
        owners = self._phrasing_entry[phrasings[nearest]]
        # ``nearest`` is best first, so an entry's first occurrence is its best phrasing.
        unique, first = np.unique(owners, return_index=True)
        by_score = np.argsort(first, kind="stable")[:_SHORTLIST]
        shortlist = unique[by_score]
        cosine = data[nearest][first[by_score]]
        runner_up = np.full(len(cosine), cosine[0])
        runner_up[0] = cosine[1] if len(cosine) > 1 else 0.0
        values = np.column_stack([cosine, cosine - runner_up, self._fuzz(tokens, shortlist)])
        return _Features(entries=shortlist, mode="retrieval", values=values)

    def _fuzz(self, tokens: list[str], entries: IntArray) -> FloatArray:
        """Best token_set_ratio (0..1) between the question and each entry's phrasings.

        Only ever run on a shortlist: a scan of the whole knowledge base would not scale.
        The shortlist's phrasings are folded here rather than kept folded for every entry,
        which would cost a string per phrasing of a large knowledge base.
        """
        shortlisted = [self._entries[position] for position in entries]
        phrasings = [(entry.locale, p) for entry in shortlisted for p in entry.phrasings]
        texts = [""] * len(phrasings)
        for locale in {entry.locale for entry in shortlisted}:
            at = [k for k, (of, _) in enumerate(phrasings) if of == locale]
            folded = self._normalisers[locale].tokens_many([phrasings[k][1] for k in at])
            for k, phrasing in zip(at, folded, strict=True):
                texts[k] = " ".join(phrasing)
        scores = process.cdist([" ".join(tokens)], texts, scorer=fuzz.token_set_ratio)[0]
        counts = [len(entry.phrasings) for entry in shortlisted]
        starts = np.concatenate([[0], np.cumsum(counts)[:-1]]).astype(np.intp)
        out: FloatArray = np.maximum.reduceat(scores, starts).astype(np.float64) / 100.0
        return out


def _raw_batches(
    entries: Sequence[KBEntry], normalisers: Mapping[str, Normaliser]
) -> Iterator[Batch]:
    """Every phrasing's raw tokens with the row it has in the index, each cleaned with its
    entry's language, for :meth:`WordSpace.fit`."""
    locale_of = [entry.locale for entry in entries for _ in entry.phrasings]
    phrasings = [phrasing for entry in entries for phrasing in entry.phrasings]
    for locale, normaliser in normalisers.items():
        rows = np.array([k for k, of in enumerate(locale_of) if of == locale], dtype=np.intp)
        start = 0
        for batch in normaliser.raw_tokens([phrasings[k] for k in rows]):
            texts = batch.count(TEXT_BREAK) + 1
            yield batch, rows[start : start + texts]
            start += texts


def _normalisers(synonyms: Synonyms, entry_locales: set[str]) -> dict[str, Normaliser]:
    """One per locale entries are written in, and per supported locale a question may be."""
    return {
        locale: Normaliser(synonyms_for(synonyms, locale))
        for locale in sorted(entry_locales | set(locales.SUPPORTED))
    }


def _join(blocks: list[sp.csr_matrix]) -> sp.csr_matrix:
    """One unit-length column per text from the per-view TF-IDF columns (each already unit
    length), so dot products are cosines; a text with nothing in one view relies on the other."""
    if len(blocks) == 1:
        return blocks[0]
    return unit_columns(sp.vstack(blocks, format="csr", dtype=np.float32))
