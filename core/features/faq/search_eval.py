"""Measures an index against labelled questions, as ``townhall kb eval`` and the benchmark do.

The numbers are the ones a founder should care about: how often the bot answers correctly,
how often it answers wrongly (worse than declining), and how often it declines questions the
knowledge base does not cover.
"""

from __future__ import annotations

import json
import math
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import numpy.typing as npt

from core.features.faq.search import DEFAULT_MIN_CONFIDENCE, SearchIndex
from core.features.faq.search_calibration import (
    FAMILIES,
    FEATURES,
    MinConfidence,
    Mode,
    locale_family,
    threshold_for,
)

Query = tuple[str, str | None]
"""A question and the entry id that should answer it, or None for one not covered."""

_TOP_CONFUSIONS = 10
_CALIBRATION_DEPTH = 5
"""Candidates per question used to refit calibration: the ones a threshold decides between."""


@dataclass(frozen=True)
class EvalReport:
    """Rates over in-scope questions (``expected`` set) and out-of-scope ones (``None``).

    A rate whose denominator is zero is NaN, so a set without out-of-scope questions prints
    as such instead of as a perfect score.
    """

    top1: float
    recall_at_3: float
    answered_correct: float
    answered_wrong: float
    oos_declined: float
    n_in_scope: int
    n_oos: int
    min_confidence: dict[str, float]
    """The threshold each script family's answers had to reach."""
    confusions: list[tuple[str, str, int]]
    """(expected, ranked first instead, count), most frequent first."""
    pairs: list[tuple[str, str, int, int]]
    """Entries that steal from each other: (a, b, questions for a that b won, for b that a
    won), most entangled first. Rewording or merging these helps most."""


def read_queries(path: Path, split: str | None = None) -> list[Query]:
    """Labelled questions from a JSONL file of ``question``, ``expected`` (an entry id, or
    null for "we do not cover this") and optionally ``split``; only ``split``'s if given."""
    queries = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.strip():
            row = json.loads(line)
            if split in (None, row.get("split")):
                queries.append((row["question"], row.get("expected")))
    return queries


def evaluate(
    index: SearchIndex,
    queries: Iterable[Query],
    min_confidence: MinConfidence | None = None,
) -> EvalReport:
    """Run every ``(question, expected entry id or None)`` through ``index``."""
    threshold = DEFAULT_MIN_CONFIDENCE if min_confidence is None else min_confidence
    top1 = recall = correct = wrong = declined = n_in = n_oos = 0
    confused: Counter[tuple[str, str]] = Counter()
    for question, expected in queries:
        result = index.search(question, limit=3)
        answer = result.confident(threshold)
        if expected is None:
            n_oos += 1
            declined += answer is None
            continue
        n_in += 1
        ids = [c.entry_id for c in result.candidates]
        top1 += bool(ids) and ids[0] == expected
        recall += expected in ids
        if ids and ids[0] != expected:
            confused[(expected, ids[0])] += 1
        if answer is not None:
            correct += answer.entry_id == expected
            wrong += answer.entry_id != expected
    return EvalReport(
        top1=_rate(top1, n_in),
        recall_at_3=_rate(recall, n_in),
        answered_correct=_rate(correct, n_in),
        answered_wrong=_rate(wrong, n_in),
        oos_declined=_rate(declined, n_oos),
        n_in_scope=n_in,
        n_oos=n_oos,
        min_confidence={family: threshold_for(threshold, family) for family in FAMILIES},
        confusions=[(e, p, n) for (e, p), n in confused.most_common(_TOP_CONFUSIONS)],
        pairs=_pairs(confused),
    )


def _pairs(confused: Counter[tuple[str, str]]) -> list[tuple[str, str, int, int]]:
    together: Counter[tuple[str, str]] = Counter()
    for (expected, predicted), count in confused.items():
        together[(min(expected, predicted), max(expected, predicted))] += count
    return [
        (a, b, confused[(a, b)], confused[(b, a)])
        for (a, b), _ in together.most_common(_TOP_CONFUSIONS)
    ]


def calibration_rows(
    index: SearchIndex, queries: Iterable[Query]
) -> dict[tuple[Mode, str], tuple[npt.NDArray[np.float64], list[bool]]]:
    """Uncalibrated signals of each question's leading candidates, labelled right or wrong,
    grouped by the calibration that scores them; the input to ``search_calibration.fit``."""
    in_order = list(index.entries.values())
    grouped: dict[tuple[Mode, str], tuple[list[npt.NDArray[np.float64]], list[bool]]] = {}
    for question, expected in queries:
        features = index._features(question, None)
        if features is None:
            continue
        depth = _CALIBRATION_DEPTH
        for row, position in zip(features.values[:depth], features.entries[:depth], strict=True):
            entry = in_order[position]
            family = locale_family(entry.locale)
            rows, labels = grouped.setdefault((features.mode_for(family), family), ([], []))
            rows.append(row[: len(FEATURES[features.mode_for(family)])])
            labels.append(entry.id == expected)
    return {key: (np.vstack(rows), labels) for key, (rows, labels) in grouped.items()}


def _rate(count: int, total: int) -> float:
    return count / total if total else math.nan
