"""Looking events up and cancelling one: members see their own answer, a cancellation tells
everyone who answered and closes the card, and the calendar file carries an alarm."""

from __future__ import annotations

from tests.scenario.conftest import RunScript
from tests.scenario.test_events_rsvp import EVENTS, cards, said_to

SETUP = """
@as mod:ana
/event create meetup Drinks | 2026-11-28 18:00 | cap 1 | at Café X
/event create webinar Intro | 2026-11-20 10:00
@place #events
@as bob
@press Going
@as carl
@press Going
@as dan
@press Maybe
"""


async def test_members_see_their_answer_and_place_in_line(run_script: RunScript) -> None:
    messages = await run_script(
        SETUP
        + """
        @as carl
        /event show E-1
        /event list
        /event list past
        /event show E-9
        """,
        **EVENTS,
    )
    show, upcoming, past, missing = said_to(messages, "carl")[1:]
    assert "number 1 on the waitlist" in show and "Going 1/1" in show
    assert "E-1" in upcoming and "Drinks" in upcoming
    assert "No past events" in past
    assert "no event E-9" in missing


async def test_cancelling_tells_everyone_who_answered_and_closes_the_card(
    run_script: RunScript,
) -> None:
    messages = await run_script(
        SETUP
        + """
        @as bob
        /event cancel E-1
        @as mod:ana
        /event cancel E-1 the venue flooded
        @clock +10s
        @as eve
        @place #events
        @press Going
        """,
        **EVENTS,
    )
    assert any("Only moderators and organisers" in t for t in said_to(messages, "bob"))
    for who in ("bob", "carl", "dan"):
        told = [t for t in said_to(messages, who) if "is cancelled" in t]
        assert len(told) == 1 and "the venue flooded" in told[0], who
    assert "❌ Cancelled." in cards(messages)[-1]
    assert "was cancelled" in said_to(messages, "eve")[0]


async def test_the_calendar_file_has_the_event_and_an_alarm(run_script: RunScript) -> None:
    messages = await run_script(SETUP + "\n@as bob\n/event ics E-1\n", **EVENTS)
    reply = said_to(messages, "bob")[-1]
    assert "calendar file" in reply
    assert [m["attachments"] for m in messages if m["to"] == "bob"][-1] == ["E-1.ics"]


async def test_a_moved_start_is_told_and_the_reminders_follow_it(run_script: RunScript) -> None:
    messages = await run_script(
        SETUP
        + """
        @as mod:ana
        /event edit E-1 start 2026-11-29 18:00
        /event edit E-1 cap 2
        /event message E-1 Bring your own mug
        @clock 2026-11-27T18:30Z
        @clock 2026-11-28T18:30Z
        """,
        **EVENTS,
    )
    bob = said_to(messages, "bob")
    for who in ("bob", "carl", "dan"):
        moved = [t for t in said_to(messages, who) if "new start" in t]
        assert len(moved) == 1 and "Sunday 29 November 2026" in moved[0], (
            f"{who} (going, waitlisted, maybe) is told once"
        )
    assert not any("new start" in t for t in said_to(messages, "eve")), "eve never answered"
    assert any("A place opened up" in t for t in said_to(messages, "carl")), "cap 2 moved carl up"
    assert any("Bring your own mug" in t for t in bob)
    reminders = [t for t in bob if t.startswith("⏰")]
    assert len(reminders) == 1 and "in 24 hours" in reminders[0], "at the new start's 24 h"


async def test_a_new_place_is_told_to_everyone_who_answered_and_reminders_carry_it(
    run_script: RunScript,
) -> None:
    messages = await run_script(
        SETUP
        + """
        @as mod:ana
        /event edit E-1 at Bar Y, Main Street 5
        /event edit E-1 title Drinks and talks
        @clock 2026-11-27T18:30Z
        """,
        **EVENTS,
    )
    for who in ("bob", "carl", "dan"):
        moved = [t for t in said_to(messages, who) if "new place" in t]
        assert len(moved) == 1 and "Bar Y, Main Street 5" in moved[0], who
    assert sum("✏️" in t for t in said_to(messages, "bob")) == 1, "a new title is not news"
    (reminder,) = [t for t in said_to(messages, "bob") if t.startswith("⏰")]
    assert "Bar Y, Main Street 5" in reminder and "Drinks and talks" in reminder
    assert "Bar Y, Main Street 5" in cards(messages)[-1]
