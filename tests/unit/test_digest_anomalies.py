"""The digest's rule for "unusual": beyond 3 median absolute deviations of the same weekday's
usual value over 28 days, and never on too little data."""

from __future__ import annotations

from core.features.digest.anomalies import Change, check

# Four weeks, oldest first, ending the day before the checked day (a Tuesday): weekdays near
# 15 questions declined, the weekend (Saturday 5, Sunday 4) quiet.
WEEK = [15, 14, 16, 13, 5, 4, 15]
"""Tuesday to Monday."""
HISTORY = [float(x) for x in WEEK * 4]


def test_a_doubled_figure_is_flagged_against_its_usual_weekday() -> None:
    found = check("questions_declined", HISTORY, 32)
    assert found is not None
    assert (found.value, found.usual, found.change) == (32, 15, Change.DOUBLED)
    assert found.deviations > 3


def test_ordinary_variation_is_not_flagged() -> None:
    assert check("questions_declined", HISTORY, 17) is None
    assert check("questions_declined", HISTORY, 13) is None


def test_a_quiet_weekend_day_is_usual_on_its_own_weekday() -> None:
    sunday_history = HISTORY[5:] + HISTORY[:5]  # ends on a Saturday: the checked day is Sunday
    assert check("questions_declined", sunday_history, 4) is None
    assert check("questions_declined", HISTORY, 4) is not None, "4 on a Tuesday is a drop"


def test_too_few_days_of_history_flag_nothing() -> None:
    assert check("questions_declined", HISTORY[-27:], 320) is None


def test_a_change_between_small_numbers_is_not_news() -> None:
    assert check("questions_declined", [1.0] * 28, 5) is None
    assert check("questions_declined", [1.0] * 28, 5, min_count=3) is not None


def test_a_figure_that_never_moved_needs_more_than_a_step_of_one() -> None:
    flat = [20.0] * 28
    assert check("dau", flat, 21) is None, "the deviation counts as at least 1"
    assert check("dau", flat, 24) is not None


def test_a_single_launch_day_in_the_window_does_not_hide_the_next_spike() -> None:
    with_launch = HISTORY.copy()
    with_launch[7] = 400.0
    assert check("questions_declined", with_launch, 32) is not None


def test_drops_and_rises_are_worded_by_size() -> None:
    assert (found := check("dau", HISTORY, 7)) is not None and found.change is Change.HALVED
    assert (found := check("dau", HISTORY, 50)) is not None and found.change is Change.TRIPLED
    assert (found := check("dau", HISTORY, 25)) is not None and found.change is Change.ROSE
