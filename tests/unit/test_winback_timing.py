"""Win-back's timetable: which cycle is due, a member's hour, and quiet hours in their zone."""

from __future__ import annotations

from datetime import UTC, datetime, time
from zoneinfo import ZoneInfo

import pytest
from pydantic import ValidationError

from core.features.winback.settings import WinbackSettings
from core.features.winback.timing import after_quiet, best_hour, due_at, is_quiet, latest_cycle

QUIET = (time(22), time(8))
SHANGHAI = ZoneInfo("Asia/Shanghai")


def test_the_cycle_is_the_last_firing_in_the_community_zone() -> None:
    now = datetime(2026, 12, 5, 3, 0, tzinfo=UTC)  # 11:00 in Shanghai
    assert latest_cycle("0 10 * * *", "Asia/Shanghai", now, None) == datetime(
        2026, 12, 5, 2, 0, tzinfo=UTC
    )
    assert latest_cycle("0 10 * * *", "UTC", now, None) == datetime(2026, 12, 4, 10, tzinfo=UTC)


def test_a_cycle_already_planned_is_not_due_again_and_a_missed_one_comes_once() -> None:
    planned = datetime(2026, 12, 4, 10, tzinfo=UTC)
    assert latest_cycle("0 10 * * *", "UTC", planned.replace(hour=23), planned) is None
    after_a_day_down = datetime(2026, 12, 6, 9, tzinfo=UTC)
    assert latest_cycle("0 10 * * *", "UTC", after_a_day_down, planned) == datetime(
        2026, 12, 5, 10, tzinfo=UTC
    )


def test_the_hour_most_often_active_wins_and_the_earlier_on_a_tie() -> None:
    assert best_hour([(9, 3), (21, 5), (14, 5)]) == 14
    assert best_hour([]) is None


def test_quiet_hours_wrap_past_midnight_where_the_member_lives() -> None:
    assert is_quiet(datetime(2026, 12, 5, 15, tzinfo=UTC), SHANGHAI, QUIET)  # 23:00 there
    assert is_quiet(datetime(2026, 12, 5, 23, tzinfo=UTC), SHANGHAI, QUIET)  # 07:00 there
    assert not is_quiet(datetime(2026, 12, 6, 0, tzinfo=UTC), SHANGHAI, QUIET)  # 08:00 there
    assert not is_quiet(datetime(2026, 12, 5, 23, tzinfo=UTC), SHANGHAI, None)
    assert after_quiet(datetime(2026, 12, 5, 15, tzinfo=UTC), SHANGHAI, QUIET) == datetime(
        2026, 12, 6, 0, tzinfo=UTC
    )


def test_a_message_is_due_at_the_members_hour_after_the_cycle_out_of_quiet_hours() -> None:
    cycle = datetime(2026, 12, 5, 10, tzinfo=UTC)
    assert due_at(cycle, 14, ZoneInfo("UTC"), QUIET) == datetime(2026, 12, 5, 14, tzinfo=UTC)
    assert due_at(cycle, 9, ZoneInfo("UTC"), QUIET) == datetime(2026, 12, 6, 9, tzinfo=UTC)
    assert due_at(cycle, None, ZoneInfo("UTC"), QUIET) == cycle
    # 23:00 UTC is 07:00 in Shanghai: it waits for 08:00 there.
    assert due_at(cycle, 23, SHANGHAI, QUIET) == datetime(2026, 12, 6, 0, tzinfo=UTC)


def test_a_bad_schedule_or_quiet_hours_is_refused_with_an_example() -> None:
    with pytest.raises(ValidationError, match="0 10"):
        WinbackSettings(schedule="every day")
    with pytest.raises(ValidationError, match="22:00-08:00"):
        WinbackSettings(quiet_hours="10pm-8am")
    assert WinbackSettings(quiet_hours="").quiet is None
    assert not WinbackSettings().enabled
