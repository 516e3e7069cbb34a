"""Turns ranking signals into the probability that an entry answers the question.

Raw similarities mean different things for English and Chinese, for short and long questions,
with or without the classifier, and in knowledge bases of two entries or two hundred, so no
single raw cut-off works everywhere. A logistic model per (mode, script family) maps the
signals to a probability; its coefficients were fitted on the validation splits of the shared
FAQ benchmarks, on each set's knowledge base, on the same with two questions an entry, and on
random smaller ones drawn from it (``benchmarks/faq_bench.py --calibrate`` refits and prints
them), and the shipped thresholds were chosen there too.

For Chinese, the raw e5 cosine and its margin over the next entry come out with negative
weights: e5 rates almost any two Chinese questions 0.85-0.97, and once the classifier's
probability is known, it is the cosine measured against the entry's own phrasings
(``meaning_vs_typical``) that tells a paraphrase from a look-alike on another topic.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from types import MappingProxyType
from typing import Literal

import numpy as np
import numpy.typing as npt

FloatArray = npt.NDArray[np.float64]

Mode = Literal["classifier", "semantic", "retrieval"]

_LEXICAL = ("cosine", "cosine_margin", "fuzz", "probability", "logit_margin", "log_entries")
FEATURES: dict[Mode, tuple[str, ...]] = {
    "classifier": _LEXICAL,
    "semantic": (*_LEXICAL, "meaning", "meaning_margin", "meaning_vs_typical"),
    "retrieval": ("cosine", "cosine_margin", "fuzz"),
}
"""Column order of the signal matrices the index hands to :func:`calibrated`; the semantic
columns extend the lexical ones, so a semantic row can be scored lexically by truncation.

``log_entries`` is the log of how many entries the question was ranked among, counting only
those in its own script family when there are any: the classifier's probability is inflated
in a small knowledge base (two entries share at least one half), and this lets the
calibration discount it. A Chinese question beside four English entries and two Chinese ones
is choosing between two. ``meaning_vs_typical`` is the closest
embedding cosine minus the entry's typical one (see ``search_semantic``)."""

_CJK_LANGUAGES = frozenset({"zh", "ja", "ko"})
FAMILIES = ("latin", "cjk")
"""Script families, each with its own calibration and threshold (see :func:`locale_family`)."""

# (weights in FEATURES order, bias) per mode and script family.
_COEFFICIENTS: dict[tuple[Mode, str], tuple[tuple[float, ...], float]] = {
    ("classifier", "latin"): ((1.148, 2.442, 3.346, 4.057, 13.586, 0.624), -6.657),
    ("classifier", "cjk"): ((-1.027, -4.467, 2.534, 9.392, 31.661, 1.26), -7.263),
    ("semantic", "latin"): (
        (-1.67, 2.985, 2.329, 3.007, 6.124, 1.009, 4.255, 0.335, -1.507),
        -9.908,
    ),
    ("semantic", "cjk"): (
        (-4.159, 5.696, 3.827, 7.01, 5.583, 0.958, -10.259, -39.75, 33.522),
        2.252,
    ),
    ("retrieval", "latin"): ((-1.864, 9.233, 7.464), -6.065),
    ("retrieval", "cjk"): ((0.363, 11.796, 7.291), -4.133),
}

MinConfidence = float | Mapping[str, float]
"""An answer threshold: one for every script family, or one per family ("latin", "cjk")."""

DEFAULT_MIN_CONFIDENCE: Mapping[str, float] = MappingProxyType({"latin": 0.58, "cjk": 0.58})
"""Answer only above this calibrated probability; below it the bot offers a human.

Chosen on the val splits with the semantic tier on (``faq_bench.py --sweep``) as the lowest
threshold keeping answered-but-wrong at or below 8% of covered questions on both English sets
(BANKING77 had 8.1% at 0.57, 7.5% at 0.58). Chinese could go lower on the benchmark: at 0.58
SMP2017 answered 69.2% of covered questions correctly with 2.5% wrong and 90.3% of
out-of-scope declined, at 0.38 74.1% with 5.6% wrong and 87.5% declined. But on the sample
knowledge base (25 Chinese entries of short phrasings) 0.38 answered 7 of 15 near-miss
questions it does not cover ("怎么修改头像" with the moderators' FAQ commands), against 3 at
0.58; once three generic phrasings there were reworded ("修改回答" → "修改faq回答"), 2
against none. On ``knowledge/eval.jsonl``'s Chinese half, 0.50 would answer 94.9% of the
covered questions correctly against 89.7% and still decline all 15 near misses, but one of
them ("怎么换绑手机号", answered with account linking) scores 0.497. A wrong answer costs
more than an honest "I'm not sure". So Chinese keeps the same threshold;
``[faq] min_confidence_cjk`` lowers it for a large, well-phrased Chinese knowledge base."""


def threshold_for(min_confidence: MinConfidence, family: str) -> float:
    """The threshold an answer from an entry of ``family`` must reach."""
    return min_confidence if isinstance(min_confidence, float | int) else min_confidence[family]


def locale_family(locale: str) -> str:
    """Script family whose calibration applies: CJK text is scored on characters, not words."""
    return "cjk" if locale.split("-")[0].lower() in _CJK_LANGUAGES else "latin"


def calibrated(mode: Mode, family: str, values: FloatArray) -> FloatArray:
    """Probability, per row of signals, that the entry is the right answer.

    Columns past the mode's own are ignored: a semantic row for an entry in a script the
    question's encoder cannot read is scored lexically (see ``search._Features.mode_for``).
    """
    weights, bias = _COEFFICIENTS[(mode, family)]
    z = values[:, : len(weights)] @ np.asarray(weights) + bias
    out: FloatArray = 1.0 / (1.0 + np.exp(-z))
    return out


def fit(
    values: FloatArray, correct: Sequence[bool], weights: FloatArray
) -> tuple[tuple[float, ...], float]:
    """Logistic fit of signals to whether the entry was right, rounded for pasting above.

    The signals are standardised for the fit and the coefficients mapped back: the L2
    penalty would otherwise silence a signal with a narrow spread, such as e5's cosines,
    which sit between about 0.85 and 0.97 whether the match is right or not.
    """
    from sklearn.linear_model import LogisticRegression

    mean = values.mean(axis=0)
    spread = np.where(values.std(axis=0) > 0, values.std(axis=0), 1.0)
    model = LogisticRegression(C=1.0, max_iter=5000).fit(
        (values - mean) / spread, np.asarray(correct, dtype=int), sample_weight=weights
    )
    coefficients = model.coef_[0] / spread
    bias = float(model.intercept_[0] - coefficients @ mean)
    return tuple(round(float(w), 3) for w in coefficients), round(bias, 3)
