"""Reading /event create: every way the issue spells a start, and every refusal."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from core.features.events.parse import Refusal, parse_create
from core.zones import lookup

MONDAY = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("start", "zone", "expected"),
    [
        ("2026-12-01 18:30", "Europe/Berlin", datetime(2026, 12, 1, 17, 30, tzinfo=UTC)),
        ("tomorrow 18:00", "Europe/Berlin", datetime(2026, 11, 24, 17, 0, tzinfo=UTC)),
        ("next friday 7pm", "UTC", datetime(2026, 11, 27, 19, 0, tzinfo=UTC)),
        # dateparser reads neither of these two as typed: "8点" and "下周五" are rewritten.
        ("明天晚上8点", "Asia/Shanghai", datetime(2026, 11, 24, 12, 0, tzinfo=UTC)),
        ("下周五 19:00", "Asia/Shanghai", datetime(2026, 12, 4, 11, 0, tzinfo=UTC)),
        ("明天下午3点半", "UTC", datetime(2026, 11, 24, 15, 30, tzinfo=UTC)),
    ],
)
def test_a_start_is_read_in_the_organisers_zone(start: str, zone: str, expected: datetime) -> None:
    draft = parse_create(f"meetup Drinks | {start}", MONDAY, zone)
    assert draft.starts_at == expected
    assert draft.timezone == zone


def test_options_come_in_any_order() -> None:
    draft = parse_create(
        "见面会 线下聚会 ｜ 2026-12-01 19:00 | at Café X | weekly | cap 30 | 90m | in Berlin",
        MONDAY,
        "UTC",
    )
    assert (draft.kind, draft.title, draft.capacity, draft.location) == (
        "meetup",
        "线下聚会",
        30,
        "Café X",
    )
    assert draft.recurrence == "weekly"
    assert draft.duration == timedelta(minutes=90)
    assert draft.timezone == "Europe/Berlin"
    assert draft.starts_at == datetime(2026, 12, 1, 18, 0, tzinfo=UTC)


def test_the_default_duration_is_an_hour_and_capacity_unlimited() -> None:
    draft = parse_create("webinar Intro | tomorrow 10:00", MONDAY, "UTC")
    assert draft.duration == timedelta(hours=1)
    assert draft.capacity is None


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("party Drinks | tomorrow 18:00", "kind"),
        ("meetup | tomorrow 18:00", "title"),
        ("meetup Drinks", "start"),
        ("meetup Drinks | someday soonish", "start"),
        ("meetup Drinks | 2026-11-20 18:00", "past"),
        ("meetup Drinks | tomorrow 18:00 | in Berln", "zone"),
        ("meetup Drinks | tomorrow 18:00 | cap 0", "cap"),
        ("meetup Drinks | tomorrow 18:00 | cap lots", "cap"),
        ("meetup Drinks | tomorrow 18:00 | bring snacks", "option"),
    ],
)
def test_what_was_wrong_is_named(text: str, problem: str) -> None:
    with pytest.raises(Refusal) as refused:
        parse_create(text, MONDAY, "UTC")
    assert refused.value.problem == problem


def test_a_wrong_zone_gets_the_closest_names() -> None:
    assert lookup("Europe/Berln").suggestions[0] == "Europe/Berlin"
    assert lookup("Tokio").suggestions[0] == "Asia/Tokyo"
    assert lookup("new york").zone == "America/New_York"
    assert lookup("北京").zone == "Asia/Shanghai"
    assert lookup("xyzzy") == lookup("xyzzy").__class__(None, ())
