"""Reminders as members get them: once each, in their language and zone, following a moved
start, and not at all for a cancelled event."""

from __future__ import annotations

from tests.scenario.conftest import Messages, RunScript
from tests.scenario.test_events_rsvp import EVENTS, said_to

ANSWERS = """
@as mod:ana
/event create meetup Drinks | 2026-11-26 18:00 | at Café X | in Europe/Berlin
@place #events
@as bob
@press Going
@as carl
@press Going
@as dan
@press Maybe
@as carl
@place dm
/settings timezone Asia/Tokyo
/language zh-cn
"""


def reminders(messages: Messages, who: str) -> list[str]:
    return [t for t in said_to(messages, who) if t.startswith("⏰")]


async def test_each_reminder_once_in_each_members_language_and_zone(
    run_script: RunScript,
) -> None:
    messages = await run_script(
        ANSWERS
        + """
        @clock 2026-11-25T16:59Z
        @clock 2026-11-25T17:01Z
        @clock +1m
        @clock 2026-11-26T16:30Z
        @clock +1m
        @clock 2026-11-26T18:00Z
        """,
        **EVENTS,
    )
    bob, carl = reminders(messages, "bob"), reminders(messages, "carl")
    assert len(bob) == 2 and len(carl) == 2
    assert (
        "in 24 hours" in bob[0] and "Thursday 26 November 2026 at 18:00 (Europe/Berlin)" in bob[0]
    )
    assert "in 30 minutes" in bob[1] and "Café X" in bob[1]
    assert "24 小时后开始" in carl[0] and "2026年11月27日（周五）02:00（Asia/Tokyo）" in carl[0]
    assert reminders(messages, "dan") == [], "Maybe is not reminded unless remind_maybe"
    files = [m["attachments"] for m in messages if m["to"] == "bob" and m["text"].startswith("⏰")]
    assert files == [["E-1.ics"], []], "the first reminder carries the calendar file"


async def test_moving_the_clock_past_both_reminders_sends_each_once(run_script: RunScript) -> None:
    messages = await run_script(
        ANSWERS
        + """
        @clock 2026-11-26T16:40Z
        @clock +5m
        """,
        events={"announce_places": ["console:events"], "remind_maybe": True},
    )
    assert len(reminders(messages, "bob")) == 2
    assert len(reminders(messages, "dan")) == 2, "remind_maybe reminds Maybe answers too"
