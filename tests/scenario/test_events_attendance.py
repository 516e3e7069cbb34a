"""Attendance and the survey as members live them: "📍 I'm here" appears on the card when
check-in opens, a code guards check-in in person, attendance earns points, and attendees are
asked once how it was; the organiser reads the figures in /event show."""

from __future__ import annotations

from tests.scenario.conftest import RunScript
from tests.scenario.test_events_rsvp import EVENTS, cards, said_to


async def test_check_in_then_the_survey_and_the_organisers_figures(run_script: RunScript) -> None:
    messages = await run_script(
        """
        @as mod:ana
        /event create meetup Drinks | 2026-11-24 18:00 | at Café X
        @place #events
        @as bob
        @press Going
        @as carl
        @press Going
        @as dan
        @press Going
        @as eve
        /event checkin E-1
        @clock 2026-11-24T17:50Z
        @as bob
        @place #events
        @press I'm here
        @press I'm here
        /rep history
        @as mod:ana
        @place dm
        /event code E-1 tulip
        @as carl
        /event checkin E-1 wrong
        /event checkin E-1 TULIP
        @clock 2026-11-24T19:10Z
        @clock +10m
        @as bob
        @press 4
        /event comment E-1 Great venue
        @as carl
        @press 5
        @as dan
        /event comment E-1 I was not there
        @as mod:ana
        /event show E-1
        /event attendees E-1
        """,
        **EVENTS,
    )
    assert "Check-in for E-1 is open" in said_to(messages, "eve")[0]
    assert any("📍 I'm here" in m["buttons"] for m in messages if m["to"] == "#events")
    bob, carl = said_to(messages, "bob"), said_to(messages, "carl")
    assert sum("checked in at E-1" in t for t in bob) == 2
    assert any("10 points" in t and "attended an event" in t for t in bob), "points, once"
    assert any("not the check-in code" in t for t in carl)
    assert any("Events you've attended: 1" in t for t in carl)
    assert sum(t.startswith("How was E-1") for t in bob) == 1, "asked once"
    assert [t for t in said_to(messages, "dan") if t.startswith("How was")] == []
    assert "Only members who checked in" in said_to(messages, "dan")[-1]
    listed = [m for m in messages if m["to"] == "ana"][-1]
    assert listed["attachments"] == ["E-1-attendees.csv"]
    assert "bob: going · 📍 checked in" in listed["text"]
    show = said_to(messages, "ana")[-2]
    assert "Attended 2 · No-shows 1 · Rated 4.5/5 by 2" in show
    assert "“Great venue”" in show
    assert cards(messages)
