"""Recommendations benchmark (issue 18, item 5): offline evaluation on a synthetic community
with planted tastes (tests/tastes.py). Each member's last choice is left out, the model is
fitted on the rest, and the hit rate at 5 (the hidden choice among the five recommended) is
printed beside the popularity baseline's, which it must beat; then the fit's time.

Usage::

    python benchmarks/recommendations_bench.py [--members 5000]
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from core.features.recommendations.model import fit, hit_rate  # noqa: E402
from tests.tastes import community  # noqa: E402


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--members", type=int, default=5000)
    args = parser.parse_args()
    histories = community(args.members)
    choices = sum(len(h) for h in histories.values())
    began = time.perf_counter()
    model_rate = hit_rate(histories, 5)
    took = time.perf_counter() - began
    popular_rate = hit_rate(histories, 5, popular_only=True)
    print(
        f"recommendations: {args.members:,} members, {choices:,} choices, planted tastes; "
        f"leave-last-out hit rate at 5: item-based CF {model_rate:.1%}, "
        f"popularity baseline {popular_rate:.1%} "
        + ("(beats it)" if model_rate > popular_rate else "(DOES NOT beat it)")
        + f"; fit and {len(histories):,} recommendations in {took:.2f} s"
    )
    began = time.perf_counter()
    fit((m, item) for m, h in histories.items() for item in h)
    print(f"recommendations: fitting the model alone: {time.perf_counter() - began:.2f} s")
    return 0 if model_rate > popular_rate else 1


if __name__ == "__main__":
    sys.exit(main())
