"""Who speaks on a ticket and what a member's words do once it is resolved and rated."""

from __future__ import annotations

from tests.scenario.conftest import RunScript
from tests.scenario.test_tickets import DESK, _ticket, said_to


async def test_a_stale_rating_button_neither_rates_nor_swallows_the_next_message(
    run_script: RunScript, database_url: str
) -> None:
    messages = await run_script(
        """
        @as alice
        /ticket Printer | jammed
        @as mod:bob
        @place #support/T-1
        Fixed it
        /ticket resolve
        @as alice
        @place dm
        it broke again
        @press 1
        Here is the error code: E42, please help
        @as mod:bob
        /ticket stats
        """,
        **DESK,
    )
    to_alice = [m["text"] for m in messages if m["to"] == "alice"]
    assert to_alice[-1].startswith("T-1 is open again, so there is nothing to rate now.")
    assert "E42" in said_to(messages, "#support/T-1")[-1]["text"]
    assert "no ratings yet" in messages[-1]["text"]
    ticket = await _ticket(database_url)
    assert (ticket.status, ticket.csat_score, ticket.csat_comment) == ("open", None, None)


async def test_only_moderators_in_the_staff_thread_speak_for_the_team(
    run_script: RunScript, database_url: str
) -> None:
    messages = await run_script(
        """
        @as alice
        /ticket Printer | jammed
        @as mallory
        @place #support/T-1
        lol I am support now, send me your password
        """,
        **DESK,
    )
    assert not any("password" in m["text"] for m in messages if m["to"] == "alice")
    (refused,) = [m for m in messages if m["to"] == "mallory"]
    assert refused["visibility"] == "private"
    assert "your message was not passed on" in refused["text"]
    assert (await _ticket(database_url)).first_response_at is None


async def test_a_thank_you_after_rating_does_not_reopen_the_ticket(
    run_script: RunScript, database_url: str
) -> None:
    messages = await run_script(
        """
        @as alice
        /ticket Printer | jammed
        @as mod:bob
        @place #support/T-1
        Fixed it
        /ticket resolve
        @as alice
        @place dm
        @press 5
        great
        thanks a lot
        /ticket comment another one
        """,
        **DESK,
    )
    to_alice = [m for m in messages if m["to"] == "alice"]
    asked = to_alice[-2]
    assert asked["text"].startswith("T-1 is resolved and you have rated it.")
    assert asked["buttons"] == ["↩️ Reopen and send"]
    assert to_alice[-1]["key"] == "tickets/commented" and "T-1" in to_alice[-1]["text"]
    assert not any("reopened" in m["text"] for m in said_to(messages, "#support/T-1"))
    ticket = await _ticket(database_url)
    assert (ticket.status, ticket.csat_score, ticket.csat_comment) == (
        "resolved",
        5,
        "great\n\nanother one",
    ), "a later comment adds to the first"


async def test_a_rated_ticket_reopens_when_the_member_says_so(
    run_script: RunScript, database_url: str
) -> None:
    messages = await run_script(
        """
        @as alice
        /ticket Printer | jammed
        @as mod:bob
        /ticket resolve T-1
        @as alice
        @press 2
        slow answer
        it is jammed again
        @press 1
        """,
        **DESK,
    )
    relayed = said_to(messages, "#support/T-1")[-1]
    assert "reopened by the member" in relayed["text"] and "jammed again" in relayed["text"]
    assert [m for m in messages if m["to"] == "alice"][-1]["key"] == "tickets/reopened_by_you"
    ticket = await _ticket(database_url)
    assert (ticket.status, ticket.csat_score) == ("open", None)


async def test_staff_see_which_answer_the_member_rejected(run_script: RunScript) -> None:
    messages = await run_script(
        """
        @as alice
        how do I link my telegram and discord accounts?
        @press 2
        @press 1
        """,
        **DESK,
    )
    opened = said_to(messages, "#support/T-1")[0]["text"]
    assert "how do I link my telegram" in opened
    assert 'answer "How do I link my Discord and Telegram accounts?"' in opened
