"""Turns ranking signals into the probability that an entry answers the question.

Raw similarities mean different things for English and Chinese, for short and long questions,
and with or without the classifier, so no single raw cut-off works everywhere. A logistic
model per (mode, script family) maps the signals to a probability; its coefficients were
fitted on the validation splits of the shared FAQ benchmarks (``benchmarks/faq_bench.py
--calibrate`` refits and prints them), and the shipped threshold was chosen there too.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Literal

import numpy as np
import numpy.typing as npt

FloatArray = npt.NDArray[np.float64]

Mode = Literal["classifier", "semantic", "retrieval"]

FEATURES: dict[Mode, tuple[str, ...]] = {
    "classifier": ("cosine", "cosine_margin", "fuzz", "probability", "logit_margin"),
    "semantic": (
        *("cosine", "cosine_margin", "fuzz", "probability", "logit_margin"),
        *("meaning", "meaning_margin"),
    ),
    "retrieval": ("cosine", "cosine_margin", "fuzz"),
}
"""Column order of the signal matrices the index hands to :func:`calibrated`."""

_CJK_LANGUAGES = frozenset({"zh", "ja", "ko"})

# (weights in FEATURES order, bias) per mode and script family.
_COEFFICIENTS: dict[tuple[Mode, str], tuple[tuple[float, ...], float]] = {
    ("classifier", "latin"): ((1.612, 3.207, 2.317, 2.744, 10.8), -3.262),
    ("classifier", "cjk"): ((1.465, 3.518, 2.853, 4.392, 6.64), -3.046),
    ("semantic", "latin"): ((-0.519, 2.507, 1.673, 3.567, 5.0, 1.052, 2.118), -3.16),
    ("semantic", "cjk"): ((0.514, 1.958, 1.423, 5.112, 3.502, -0.467, -0.758), -2.818),
    ("retrieval", "latin"): ((-0.646, 7.992, 6.86), -5.94),
    ("retrieval", "cjk"): ((3.415, 6.741, 5.134), -3.825),
}

DEFAULT_MIN_CONFIDENCE = 0.55
"""Answer only above this calibrated probability; below it the bot offers a human.

Chosen on the val splits with the semantic tier on (``faq_bench.py --sweep``): the lowest
threshold keeping answered-but-wrong at or below 8% on both English sets. Chinese alone
would tolerate 0.35 (more answers at 6% wrong) but that also answered unrelated Chinese
questions in a two-entry knowledge base, so one threshold serves both."""


def locale_family(locale: str) -> str:
    """Script family whose calibration applies: CJK text is scored on characters, not words."""
    return "cjk" if locale.split("-")[0].lower() in _CJK_LANGUAGES else "latin"


def calibrated(mode: Mode, family: str, values: FloatArray) -> FloatArray:
    """Probability, per row of signals, that the entry is the right answer.

    An English question's semantic signals mean nothing for a Chinese entry it is compared
    with (the model cannot read it), so such rows fall back to the lexical calibration.
    """
    if (mode, family) not in _COEFFICIENTS:
        mode = "classifier"
        values = values[:, : len(FEATURES[mode])]
    weights, bias = _COEFFICIENTS[(mode, family)]
    z = values @ np.asarray(weights) + bias
    out: FloatArray = 1.0 / (1.0 + np.exp(-z))
    return out


def fit(values: FloatArray, correct: Sequence[bool]) -> tuple[tuple[float, ...], float]:
    """Logistic fit of signals to whether the entry was right, rounded for pasting above."""
    from sklearn.linear_model import LogisticRegression

    model = LogisticRegression(C=1.0, max_iter=1000).fit(values, np.asarray(correct, dtype=int))
    weights = tuple(round(float(w), 3) for w in model.coef_[0])
    return weights, round(float(model.intercept_[0]), 3)
