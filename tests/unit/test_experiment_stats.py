"""Seeded simulations of the report's judgement: a real difference is found, and two arms
that convert alike are called different about as rarely as the 5% level promises."""

from __future__ import annotations

import random

from core.features.experiments.assignment import draw
from core.features.experiments.report import Arm, Verdict, judge
from core.features.experiments.settings import Experiment
from core.features.experiments.stats import needed, wilson

MEMBERS = 4_000


def simulate(name: str, rates: dict[str, float], seed: int) -> tuple[Experiment, tuple[Arm, ...]]:
    """Members 1..4000 assigned by the experiment's hash; each converts at its arm's true
    rate. (The variants' files are not what is tested: the settings are built unchecked.)"""
    experiment = Experiment.model_construct(name=name, message="welcome", variants=list(rates))
    rng = random.Random(seed)
    counts = {variant: [0, 0] for variant in rates}
    for member_id in range(1, MEMBERS + 1):
        variant = draw(experiment, member_id)
        counts[variant][0] += 1
        counts[variant][1] += rng.random() < rates[variant]
    return experiment, tuple(Arm(v, n, c) for v, (n, c) in counts.items())


def test_ten_against_fifteen_percent_over_4000_members_is_found_different() -> None:
    experiment, arms = simulate("welcome-tone", {"original": 0.10, "warm": 0.15}, seed=1)
    p_value, size, verdict = judge(experiment, arms)
    assert p_value is not None and p_value < 0.05, p_value
    assert verdict is Verdict.DIFFERENT
    assert min(arm.exposures for arm in arms) >= size
    print(f"10% vs 15%: {[(a.exposures, a.conversions) for a in arms]}, p = {p_value:.2g}")


def test_two_hundred_a_a_runs_are_called_different_about_five_percent_of_the_time() -> None:
    called = 0
    for seed in range(200):
        experiment, arms = simulate(f"a-a-{seed}", {"a": 0.10, "b": 0.10}, seed=seed)
        _, _, verdict = judge(experiment, arms)
        assert verdict is not Verdict.NOT_ENOUGH, "2,000 an arm is enough for 5 points"
        called += verdict is Verdict.DIFFERENT
    print(f"A/A: {called} of 200 called different ({called / 200:.1%})")
    assert called <= 15, f"{called} of 200 called different: more than about 5%"


def test_too_few_members_is_not_enough_data_whatever_the_rates() -> None:
    experiment = Experiment.model_construct(name="tone", message="welcome", variants=["a", "b"])
    p_value, size, verdict = judge(experiment, (Arm("a", 100, 5), Arm("b", 100, 30)))
    assert p_value is not None and p_value < 0.05
    assert verdict is Verdict.NOT_ENOUGH and size > 100


def test_the_sample_size_and_interval_agree_with_the_textbook() -> None:
    assert needed(0.10, 0.05) == 686  # two proportions, 10% vs 15%, 5% two-sided, 80% power
    low, high = wilson(10, 100)
    assert (round(low, 3), round(high, 3)) == (0.055, 0.174)
