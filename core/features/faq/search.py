"""Ranks knowledge-base entries for a member's question and says how sure it is.

Every question is matched against every phrasing of every entry (title and questions) with
TF-IDF vectors: word unigrams and bigrams, character n-grams inside words for typos, and
character 1-3-grams for Chinese, which has no spaces. For a knowledge base of up to a few
hundred entries, a softmax classifier trained on the phrasings then ranks the entries, since
it learns which words set them apart; when a sentence encoder for the question's script is
installed, its embedding similarities join the TF-IDF ones in the classifier's space (see
``search_semantic``), which matches paraphrases that share no words. Bigger knowledge bases
skip the classifier, the embeddings and the
in-word n-grams, which do not scale, and rank by nearest phrasing. The twenty leading
entries are re-scored with rapidfuzz and the signals are turned into a calibrated probability
(see ``search_calibration``), so one threshold means the same for every question, language
and knowledge-base size.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from types import MappingProxyType

import numpy as np
import numpy.typing as npt
import scipy.sparse as sp
from rapidfuzz import fuzz, process
from sklearn.feature_extraction.text import (
    HashingVectorizer,
    TfidfTransformer,
)

from core import locale as locales
from core.features.faq.entries import KBEntry
from core.features.faq.search_calibration import (
    DEFAULT_MIN_CONFIDENCE,
    Mode,
    calibrated,
    locale_family,
)
from core.features.faq.search_classifier import PhrasingClassifier
from core.features.faq.search_semantic import SemanticView
from core.features.faq.search_text import (
    Normaliser,
    Synonyms,
    char_features,
    load_synonyms,
    synonyms_for,
    word_features,
)
from core.features.faq.semantic_cache import Embedder, shared_embedders

__all__ = ["DEFAULT_MIN_CONFIDENCE", "Candidate", "SearchIndex", "SearchResult"]

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.intp]

CLASSIFIER_MAX_PHRASINGS = 1200
"""About 200 entries. The classifier's fit grows cubically with phrasings and takes about
two seconds here; past that a reload would stall, so nearest-phrasing retrieval takes over."""

_HASH_FEATURES = 2**20
_CLASSIFIER_C = 10.0
_HASH_CHUNK = 20_000
"""Texts hashed at a time, bounding the hasher's temporary Python-side buffers."""
_SHORTLIST = 20
"""Entries re-scored with rapidfuzz and calibrated; the rest cannot outrank them."""
_RETRIEVAL_PHRASINGS = 200
"""Nearest phrasings considered in retrieval mode: enough to fill the shortlist."""
SEMANTIC_WEIGHTS = {"latin": 16.0, "cjk": 32.0}
"""Weight of the sentence-embedding dot products beside the TF-IDF ones in the classifier's
joint space, per script family (chosen on the val splits)."""


class _Shared:
    """Type of :data:`SHARED`."""


SHARED = _Shared()
"""``build``'s default embedders: the process's shared ones, for the models installed."""


@dataclass(frozen=True)
class Candidate:
    """An entry that may answer the question; ``score`` is the calibrated probability."""

    entry_id: str
    score: float


@dataclass(frozen=True)
class SearchResult:
    """The question as asked and its candidates, best first."""

    question: str
    candidates: tuple[Candidate, ...]

    @property
    def best(self) -> Candidate | None:
        return self.candidates[0] if self.candidates else None

    def confident(self, min_confidence: float) -> Candidate | None:
        """The best candidate, only if it is likely enough to be right to answer with."""
        best = self.best
        return best if best is not None and best.score >= min_confidence else None


@dataclass(frozen=True)
class _Features:
    """Signals for a shortlist of entries, kept apart from scoring so calibration can be
    refitted from exactly what search sees."""

    entries: IntArray
    mode: Mode
    values: FloatArray  # one row per shortlisted entry, columns as search_calibration.FEATURES


class SearchIndex:
    """An immutable index over a knowledge base; rebuild it when entries change."""

    def __init__(
        self,
        entries: Sequence[KBEntry],
        normalisers: Mapping[str, Normaliser],
        vectorisers: list[tuple[HashingVectorizer, TfidfTransformer]],
        phrasing_vectors_t: sp.csr_matrix,
        phrasing_entry: IntArray,
        phrasing_texts: list[str],
        classifier: PhrasingClassifier | None,
        semantic: SemanticView | None = None,
    ) -> None:
        self._entries = list(entries)
        self._by_id = MappingProxyType({e.id: e for e in self._entries})
        self._locale = np.array([e.locale for e in self._entries], dtype=object)
        self._family = np.array([locale_family(e.locale) for e in self._entries], dtype=object)
        self._normalisers = normalisers
        self._vectorisers = vectorisers
        self._vectors_t = phrasing_vectors_t
        self._phrasing_entry = phrasing_entry
        self._entry_start = np.searchsorted(phrasing_entry, np.arange(len(self._entries)))
        self._phrasing_texts = phrasing_texts
        self._classifier = classifier
        self._semantic = semantic

    @classmethod
    def build(
        cls,
        entries: Sequence[KBEntry],
        synonyms_dir: Path | None = None,
        *,
        max_classifier_phrasings: int = CLASSIFIER_MAX_PHRASINGS,
        embedders: Mapping[str, Embedder] | _Shared = SHARED,
    ) -> SearchIndex:
        """Index ``entries``; ``synonyms_dir`` defaults to the lists shipped with Townhall.

        ``max_classifier_phrasings`` exists so calibration and tests can exercise the
        retrieval mode that large knowledge bases get without building one. ``embedders``
        (by script family) add the semantic view to knowledge bases small enough for the
        classifier; at
        retrieval sizes, embedding every phrasing would take minutes and every question
        tens of milliseconds, so those stay lexical.
        """
        if len({e.id for e in entries}) != len(entries):
            raise ValueError("knowledge-base entry ids must be unique")
        normalisers = _normalisers(load_synonyms(synonyms_dir), {e.locale for e in entries})
        owner: list[int] = []
        texts: list[str] = []
        for index, entry in enumerate(entries):
            normaliser = normalisers[entry.locale]
            for phrasing in entry.phrasings:
                texts.append(" ".join(normaliser.tokens(phrasing)))
                owner.append(index)
        small = len(texts) <= max_classifier_phrasings
        analysers = [word_features, char_features] if small else [word_features]
        if not texts:
            analysers = []
        vectorisers = []
        blocks = []
        for analyser in analysers:
            hasher = HashingVectorizer(
                analyzer=analyser,
                n_features=_HASH_FEATURES,
                alternate_sign=False,
                norm=None,
                dtype=np.float32,
            )
            counts = sp.vstack(
                [
                    hasher.transform(texts[i : i + _HASH_CHUNK])
                    for i in range(0, len(texts), _HASH_CHUNK)
                ],
                format="csr",
            )
            tfidf = TfidfTransformer(sublinear_tf=True).fit(counts)
            blocks.append(tfidf.transform(counts, copy=False))
            del counts
            vectorisers.append((hasher, tfidf))
        # Transposed once here, so a question's similarities are one sparse row product.
        vectors_t = _join(blocks).T.tocsr() if blocks else sp.csr_matrix((0, 0), dtype=np.float32)
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
                SEMANTIC_WEIGHTS,
            )
            if semantic is not None:
                gram += semantic.gram()
            classifier = PhrasingClassifier.fit(gram, phrasing_entry, len(entries), _CLASSIFIER_C)
        return cls(
            entries,
            normalisers,
            vectorisers,
            vectors_t,
            phrasing_entry,
            texts,
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
            scores[rows] = calibrated(features.mode, family, features.values[rows])
        order = np.lexsort((features.entries, -scores))[:limit]
        candidates = tuple(
            Candidate(self._entries[features.entries[i]].id, float(scores[i])) for i in order
        )
        return SearchResult(question=question, candidates=candidates)

    def _features(self, question: str, locale: str | None) -> _Features | None:
        # A question is folded with its own language's synonyms, like the entries written in it.
        normaliser = self._normalisers.get(locale or locales.of_text(question) or "en")
        tokens = normaliser.tokens(question) if normaliser is not None else []
        allowed = np.ones(len(self._entries), dtype=bool)
        if locale is not None:
            allowed = self._locale == locale
        if not tokens or not allowed.any():
            return None
        query = self._vectorise(tokens)
        if self._classifier is not None:
            return self._classifier_features(question, query, tokens, allowed)
        return self._retrieval_features(query, tokens, allowed)

    def _vectorise(self, tokens: list[str]) -> sp.csr_matrix:
        """The question's row in the phrasings' space, computed like ``_join`` would.

        Done by hand because ``TfidfTransformer.transform`` multiplies by a diagonal matrix
        as wide as the hash space, which allocates megabytes per call: most of a question's
        time on a small knowledge base.
        """
        text = " ".join(tokens)
        columns = []
        weights = []
        for view, (hasher, tfidf) in enumerate(self._vectorisers):
            counts = hasher.transform([text])
            weight = (1.0 + np.log(counts.data)) * tfidf.idf_[counts.indices]
            norm = np.sqrt(weight @ weight)
            if norm > 0:
                columns.append(counts.indices + view * _HASH_FEATURES)
                weights.append(weight / norm)
        width = _HASH_FEATURES * len(self._vectorisers)
        if not weights:
            return sp.csr_matrix((1, width), dtype=np.float32)
        data = np.concatenate(weights)
        data /= np.sqrt(data @ data)
        indices = np.concatenate(columns)
        return sp.csr_matrix(
            (data.astype(np.float32), indices, np.array([0, len(indices)])), shape=(1, width)
        )

    def _classifier_features(
        self,
        question: str,
        query: sp.csr_matrix,
        tokens: list[str],
        allowed: npt.NDArray[np.bool_],
    ) -> _Features:
        assert self._classifier is not None
        sims = np.asarray((query @ self._vectors_t).todense(), dtype=np.float64).ravel()
        cosine = np.maximum.reduceat(sims, self._entry_start)
        view = self._semantic.similarities(question) if self._semantic is not None else None
        meaning = None
        joint = sims
        if view is not None:
            meaning, weight = view
            joint = sims + weight * meaning
        logits = self._classifier.logits(joint[None, :]).ravel()
        logits[~allowed] = -np.inf
        logits -= logits[allowed].max()
        prob = np.exp(logits)
        prob /= prob.sum()
        shortlist = _top(np.where(allowed, prob, -1.0), _SHORTLIST, int(allowed.sum()))
        margin = logits[shortlist] - _best_other(logits, shortlist)
        columns = [
            cosine[shortlist],
            _margin(cosine, shortlist, allowed),
            self._fuzz(tokens, shortlist),
            prob[shortlist],
            np.clip(margin, -20.0, 20.0) / 10.0,
        ]
        if meaning is None:
            return _Features(shortlist, "classifier", np.column_stack(columns))
        closest = np.maximum.reduceat(meaning, self._entry_start)
        columns += [closest[shortlist], _margin(closest, shortlist, allowed)]
        return _Features(shortlist, "semantic", np.column_stack(columns))

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
        nearest = _top(data, _RETRIEVAL_PHRASINGS, len(data))
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
        """
        question = " ".join(tokens)
        out = np.zeros(len(entries))
        for i, entry in enumerate(entries):
            start = int(self._entry_start[entry])
            stop = (
                int(self._entry_start[entry + 1])
                if entry + 1 < len(self._entries)
                else len(self._phrasing_texts)
            )
            scores = process.cdist(
                [question], self._phrasing_texts[start:stop], scorer=fuzz.token_set_ratio
            )
            out[i] = float(scores.max()) / 100.0
        return out


def _normalisers(synonyms: Synonyms, entry_locales: set[str]) -> dict[str, Normaliser]:
    """One per locale entries are written in, and per supported locale a question may be."""
    return {
        locale: Normaliser(synonyms_for(synonyms, locale))
        for locale in sorted(entry_locales | set(locales.SUPPORTED))
    }


def _join(blocks: list[sp.csr_matrix]) -> sp.csr_matrix:
    """One unit-length row per text from the per-view TF-IDF rows (each already unit length),
    so dot products are cosines; a text with nothing in one view relies on the other."""
    if len(blocks) == 1:
        return blocks[0]
    matrix = sp.hstack(blocks, format="csr", dtype=np.float32)
    norms = np.sqrt(np.asarray(matrix.multiply(matrix).sum(axis=1)).ravel())
    norms[norms == 0] = 1.0
    scaled: sp.csr_matrix = sp.diags((1.0 / norms).astype(np.float32)) @ matrix
    return scaled.tocsr()


def _top(values: FloatArray, k: int, available: int) -> IntArray:
    """Indices of the ``k`` largest values, best first, ties by index for determinism."""
    k = min(k, available, len(values))
    part = np.argpartition(-values, k - 1)[:k] if k < len(values) else np.arange(len(values))
    order = np.lexsort((part, -values[part]))
    result: IntArray = part[order]
    return result


def _margin(values: FloatArray, shortlist: IntArray, allowed: npt.NDArray[np.bool_]) -> FloatArray:
    """How far each shortlisted entry's value is above the best other allowed entry's."""
    out: FloatArray = values[shortlist] - _best_other(np.where(allowed, values, 0.0), shortlist)
    return out


def _best_other(values: FloatArray, shortlist: IntArray) -> FloatArray:
    """For each shortlisted entry, the best value among all other entries."""
    top_two = _top(values, 2, len(values))
    best = values[top_two[0]]
    second = values[top_two[1]] if len(top_two) > 1 else -np.inf
    out: FloatArray = np.where(shortlist == top_two[0], second, best)
    return out
