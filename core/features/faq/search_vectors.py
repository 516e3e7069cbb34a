"""TF-IDF spaces for the FAQ index: the phrasings' rows and a question's row in the same space.

Word unigrams and bigrams (character 1-3-grams for CJK runs, which have no words) get an exact
vocabulary: tokens become ids in one dictionary pass and bigrams are pairs of ids, so the
matrix is assembled with array operations rather than by hashing a string per feature, which
made the build of a 100,000-entry knowledge base take twice as long. Character n-grams inside
words (small knowledge bases only) keep scikit-learn's hashing. Both weight like
``TfidfTransformer(sublinear_tf=True)``: 1 + log count, smooth idf, unit-length rows.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import itertools
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from typing import Protocol, cast

import numpy as np
import numpy.typing as npt
import scipy.sparse as sp
from sklearn.feature_extraction.text import HashingVectorizer, TfidfTransformer

from core.features.faq.search_text import (
    TEXT_BREAK,
    char_features,
    cjk_grams,
    fold,
    starts_cjk,
)

F32 = npt.NDArray[np.float32]
IntArray = npt.NDArray[np.intp]
I32 = npt.NDArray[np.int32]
Batch = tuple[list[str], "IntArray"]
"""Raw tokens of consecutive texts, TEXT_BREAK between them, and those texts' rows."""
Row = tuple[IntArray, F32]
"""A text's non-zero columns and their weights, unit length (empty when it has no feature)."""


class Space(Protocol):
    @property
    def width(self) -> int: ...

    def row(self, tokens: list[str]) -> Row: ...


_PAIR_BITS = 20
_PAIR_BUCKETS = 1 << _PAIR_BITS
_PAIR_MIX = np.uint64(0x9E3779B97F4A7C15)
"""Fibonacci hashing: the top bits of key * this constant spread consecutive ids evenly."""
_FIRST_ROW = np.zeros(1, dtype=np.intp)
_CHUNK = 1_000_000
"""Non-zeros processed at a time where a whole-matrix temporary would cost tens of MB."""
_HASH_FEATURES = 2**20
_HASH_CHUNK = 20_000
"""Texts hashed at a time, bounding the hasher's temporary Python-side buffers."""


@dataclass(frozen=True)
class WordSpace:
    """Columns: one per known unit (word or CJK n-gram), then the hashed bigrams.

    Bigrams are hashed: a large knowledge base has millions of distinct ones, most seen once,
    and a vocabulary of them cost more memory than the rest of the index.
    """

    units: dict[str, int]
    idf: F32
    unseen_idf: np.float32
    """Weight of a question's feature no phrasing has: it makes the question less like all."""

    @property
    def width(self) -> int:
        return len(self.idf)

    @classmethod
    def fit(cls, batches: Iterable[Batch], n_texts: int) -> tuple[WordSpace, sp.csr_matrix]:
        """The space of ``n_texts`` texts, given as batches of raw tokens (see ``_encode``),
        and their TF-IDF vectors as the columns of a features-by-texts matrix."""
        units: dict[str, int] = {}
        ids, rows, linked = _encode(batches, fold, {}, units)
        _return_freed_memory()
        pair_at = np.flatnonzero(linked)
        del linked
        # Filled in place rather than concatenated: at 100,000 entries each copy is 40 MB.
        columns = np.empty(len(ids) + len(pair_at), dtype=np.int32)
        columns[: len(ids)] = ids
        columns[len(ids) :] = _pair_bucket(ids, pair_at)
        columns[len(ids) :] += len(units)
        del ids
        owners = np.empty(len(columns), dtype=np.int32)
        owners[: len(rows)] = rows
        owners[len(rows) :] = rows[pair_at]
        del rows, pair_at
        width = len(units) + _PAIR_BUCKETS + 1  # the last column: see ``row``
        # Built feature-major: the index multiplies a question's row by this matrix, and
        # building it this way round saves a transposed copy of the largest thing it holds.
        # Counted in int16 (a text is at most MAX_QUESTION_CHARS long, so no count overflows)
        # and weighted in float32 afterwards: the counting is the build's memory peak.
        counts = sp.csr_matrix(
            (np.ones(len(columns), dtype=np.int16), (columns, owners)), shape=(width, n_texts)
        )
        del columns, owners
        counts.data = counts.data.astype(np.float32)
        n = np.float32(n_texts)
        df = np.diff(counts.indptr).astype(np.float32)
        one = np.float32(1)
        idf = (np.log((one + n) / (one + df)) + one).astype(np.float32)
        unseen = np.float32(np.log(one + n) + one)
        counts.data = np.log(counts.data, out=counts.data)
        counts.data += one
        for start in range(0, counts.nnz, _CHUNK):
            at = np.arange(start, min(start + _CHUNK, counts.nnz))
            counts.data[at] *= idf[np.searchsorted(counts.indptr, at, side="right") - 1]
        return cls(units, idf, unseen), unit_columns(counts)

    def row(self, tokens: list[str]) -> Row:
        """The question's weights (from folded tokens); features no phrasing has still count
        towards its length."""
        ids, _, linked = _encode([(tokens, _FIRST_ROW)], str, self.units, {})
        known = len(self.units)
        pair_at = np.flatnonzero(linked)
        new_pair = (ids[pair_at] >= known) | (ids[pair_at - 1] >= known)
        pair_at, unseen_pairs = pair_at[~new_pair], pair_at[new_pair]
        columns = np.concatenate([ids[ids < known], known + _pair_bucket(ids, pair_at)])
        unseen_pair_keys = {(int(ids[k - 1]), int(ids[k])) for k in unseen_pairs}
        unseen = len(np.unique(ids[ids >= known])) + len(unseen_pair_keys)
        columns, counts = np.unique(columns, return_counts=True)
        weight = (np.float32(1) + np.log(counts.astype(np.float32))) * self.idf[columns]
        if unseen:
            # Kept in a column no phrasing has, as hashing would have kept them: a question
            # of unknown words alone still counts as having words, so the other view's
            # similarities are scaled as for any question.
            columns = np.append(columns, self.width - 1)
            weight = np.append(weight, np.float32(np.sqrt(unseen)) * self.unseen_idf)
        return _unit(columns, weight.astype(np.float32))


@dataclass(frozen=True)
class CharSpace:
    """Character 2-5-grams inside words, hashed; only small knowledge bases use it."""

    hasher: HashingVectorizer
    tfidf: TfidfTransformer

    @property
    def width(self) -> int:
        return _HASH_FEATURES

    @classmethod
    def fit(cls, texts: Sequence[str]) -> tuple[CharSpace, sp.csr_matrix]:
        """Like :meth:`WordSpace.fit`: the space and the features-by-texts matrix."""
        hasher = HashingVectorizer(
            analyzer=char_features,
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
        return cls(hasher, tfidf), tfidf.transform(counts, copy=False).T.tocsr()

    def row(self, tokens: list[str]) -> Row:
        """By hand: ``TfidfTransformer.transform`` multiplies by a diagonal matrix as wide
        as the hash space, allocating megabytes per question."""
        counts = self.hasher.transform([" ".join(tokens)])
        weight = ((1.0 + np.log(counts.data)) * self.tfidf.idf_[counts.indices]).astype(np.float32)
        return _unit(counts.indices.astype(np.intp), weight)


def _encode(
    batches: Iterable[Batch],
    fold_token: Callable[[str], str],
    units: Mapping[str, int],
    new: dict[str, int],
) -> tuple[I32, I32, npt.NDArray[np.bool_]]:
    """Unit ids, the row of the text each came from, and whether each forms a bigram with the
    unit before it: words next to each other do; CJK n-grams and words beside them do not.

    Each batch is a token list with :data:`TEXT_BREAK` between texts and the rows of those
    texts. Tokens get codes in one pass; folding and the unit lookup then happen once per
    distinct token, and the rest is array work. Units missing from ``units`` get ids after
    them, remembered in ``new``.
    """
    codes: dict[str, int] = {TEXT_BREAK: 0}
    known, base = units.get, len(units)
    flat_units: list[int] = []
    starts: list[int] = [0]
    lengths: list[int] = [0]
    is_word: list[bool] = [False]
    parts = []
    code = codes.get

    def first_seen(token: str) -> int:
        # A copy: the batch's other strings are freed, and a kept one would pin their memory.
        codes[token.encode().decode()] = len(codes)
        return len(codes) - 1

    for tokens, rows in batches:
        batch = np.array(
            [c if (c := code(t)) is not None else first_seen(t) for t in tokens], dtype=np.int32
        )
        # Tokens first met in this batch: their units (a word is one, a CJK run its n-grams).
        for token in itertools.islice(codes, len(lengths), None):
            folded = fold_token(token)
            word = not starts_cjk(folded)
            grams = [folded] if word else cjk_grams(folded)
            starts.append(len(flat_units))
            lengths.append(len(grams))
            is_word.append(word)
            flat_units.extend(
                u if (u := known(g)) is not None else new.setdefault(g, base + len(new))
                for g in grams
            )
        breaks = batch == 0
        parts.append(
            _expand(
                batch[~breaks],
                rows[np.cumsum(breaks)][~breaks].astype(np.int32),
                np.asarray(flat_units, dtype=np.int32),
                np.asarray(starts, dtype=np.int32),
                np.asarray(lengths, dtype=np.int32),
                np.asarray(is_word, dtype=bool),
            )
        )
    if not parts:
        return np.zeros(0, np.int32), np.zeros(0, np.int32), np.zeros(0, bool)
    ids, rows_out, linked = (np.concatenate(column) for column in zip(*parts, strict=True))
    return ids, rows_out, linked


def _expand(
    codes: I32, rows: I32, units: I32, starts: I32, lengths: I32, is_word: npt.NDArray[np.bool_]
) -> tuple[I32, I32, npt.NDArray[np.bool_]]:
    """Token codes to unit ids, with each unit's row and bigram link (see ``_encode``)."""
    words = is_word[codes]
    linked = np.zeros(len(codes), dtype=bool)
    linked[1:] = words[1:] & words[:-1] & (rows[1:] == rows[:-1])
    per_token = lengths[codes]
    offsets = np.cumsum(per_token) - per_token
    within = np.arange(int(per_token.sum()), dtype=np.int32) - np.repeat(offsets, per_token)
    ids = units[np.repeat(starts[codes], per_token) + within]
    return ids, np.repeat(rows, per_token), np.repeat(linked, per_token)


@cache
def _malloc_trim() -> Callable[[int], int] | None:
    """glibc's ``malloc_trim``, or None on other C libraries."""
    name = ctypes.util.find_library("c")
    trim = getattr(ctypes.CDLL(name), "malloc_trim", None) if name else None
    return cast("Callable[[int], int] | None", trim)


def _return_freed_memory() -> None:
    """Hand the tokeniser's freed buffers back to the system before the matrix is built.

    glibc keeps freed heap memory for reuse, and tokenising 100,000 entries leaves about
    90 MB of it scattered between live objects, on top of which the matrix's own peak
    would have pushed the build past 500 MB.
    """
    trim = _malloc_trim()
    if trim is not None:
        trim(0)


def _pair_bucket(ids: I32, at: IntArray) -> I32:
    """Hashed bigram column (before the word columns' offset) of the units ending at ``at``."""
    key = (ids[at - 1].astype(np.uint64) << np.uint64(32)) | ids[at].astype(np.uint64)
    bucket = (key * _PAIR_MIX) >> np.uint64(64 - _PAIR_BITS)
    return bucket.astype(np.int32)


def _unit(columns: IntArray, weight: F32) -> Row:
    norm = np.sqrt(weight @ weight)
    if norm <= 0:
        return np.zeros(0, dtype=np.intp), np.zeros(0, dtype=np.float32)
    return columns, (weight / norm).astype(np.float32)


def unit_columns(matrix: sp.csr_matrix) -> sp.csr_matrix:
    """``matrix`` (features by texts) with each text's column scaled to unit length.

    Summed a slice at a time: squaring ten million weights at once took 130 MB.
    """
    squares = np.zeros(matrix.shape[1])
    for start in range(0, matrix.nnz, _CHUNK):
        data = matrix.data[start : start + _CHUNK]
        squares += np.bincount(
            matrix.indices[start : start + _CHUNK], weights=data * data, minlength=len(squares)
        )
    squares[squares == 0] = 1.0
    scale = (1.0 / np.sqrt(squares)).astype(np.float32)
    for start in range(0, matrix.nnz, _CHUNK):
        matrix.data[start : start + _CHUNK] *= scale[matrix.indices[start : start + _CHUNK]]
    return matrix
