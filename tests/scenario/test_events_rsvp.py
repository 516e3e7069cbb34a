"""Answering events as members live it: capacity, the waitlist, promotion by DM, a card
that follows the answers without an edit per press, and presses that come too late."""

from __future__ import annotations

from tests.scenario.conftest import Messages, RunScript

EVENTS = {"events": {"announce_places": ["console:events"]}}


def cards(messages: Messages) -> list[str]:
    return [m["text"] for m in messages if m["place"] == "#events" and m["to"] == "#events"]


def said_to(messages: Messages, who: str) -> list[str]:
    return [m["text"] for m in messages if m["to"] == who]


async def test_past_capacity_members_wait_in_line_and_move_up_by_dm(run_script: RunScript) -> None:
    messages = await run_script(
        """
        @as mod:ana
        /event create meetup Drinks | 2026-11-28 18:00 | cap 2
        @place #events
        @as bob
        @press Going
        @as carl
        @press Going
        @as dan
        @press Going
        @as eve
        @press Going
        @clock +10s
        @as bob
        @press Can't go
        @clock +10s
        @as carl
        /event leave E-1
        @clock +10s
        """,
        **EVENTS,
    )
    assert "number 1 on the waitlist" in said_to(messages, "dan")[0]
    assert "number 2 on the waitlist" in said_to(messages, "eve")[0]
    assert "A place opened up" in said_to(messages, "dan")[1]
    assert "A place opened up" in said_to(messages, "eve")[1]
    lines = [c.splitlines()[1] for c in cards(messages)]
    assert lines[0] == "Going 0/2 · Maybe 0 · Waitlist 0"
    assert lines[-1] == "Going 2/2 · Maybe 0 · Waitlist 0"
    assert "Going 2/2 · Maybe 0 · Waitlist 2" in lines


async def test_one_answer_per_member_and_pressing_again_changes_nothing(
    run_script: RunScript,
) -> None:
    messages = await run_script(
        """
        @as mod:ana
        /event create webinar Intro | 2026-11-28 18:00 | cap 1
        @place #events
        @as bob
        @press Going
        @press Going
        @press Maybe
        @as carl
        @press Going
        @clock +10s
        """,
        **EVENTS,
    )
    assert "You're going" in said_to(messages, "carl")[0], "Bob's Maybe freed the place"
    assert cards(messages)[-1].splitlines()[1] == "Going 1/1 · Maybe 1 · Waitlist 0"


async def test_a_rush_of_presses_is_a_few_edits_not_one_per_press(run_script: RunScript) -> None:
    presses = "\n".join(f"@as m{n}\n@press Going" for n in range(60))
    messages = await run_script(
        f"""
        @as mod:ana
        /event create conference Summit | 2026-11-28 18:00
        @place #events
        {presses}
        @clock +6s
        """.replace("\n        ", "\n"),
        **EVENTS,
    )
    posted = cards(messages)
    assert len(posted) == 3, "the post, the first press's edit, one edit for the other 59"
    assert posted[-1].splitlines()[1] == "Going 60 · Maybe 0"


async def test_at_the_start_answers_close_and_the_card_drops_its_buttons(
    run_script: RunScript,
) -> None:
    messages = await run_script(
        """
        @as mod:ana
        /event create ama Ask us | 2026-11-23 12:00
        @place #events
        @clock 2026-11-23T12:01Z
        @as bob
        /event leave E-1
        /event leave E-2
        """,
        **EVENTS,
    )
    bob = said_to(messages, "bob")
    assert "closed" in bob[0] and "E-1" in bob[0]
    assert "no event E-2" in bob[1]
    last = [m for m in messages if m["to"] == "#events"][-1]
    assert "Answers are closed." in last["text"] and "✅ Going" not in last["buttons"]
