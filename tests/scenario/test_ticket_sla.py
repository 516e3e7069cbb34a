"""SLA targets as staff live them: waiting on the member pauses the clock; founders hear once."""

from __future__ import annotations

from tests.scenario.conftest import RunScript
from tests.scenario.test_tickets import DESK, said_to


async def test_waiting_on_the_member_does_not_count_against_resolution(
    run_script: RunScript,
) -> None:
    messages = await run_script(
        """
        @as alice
        /ticket Site down | the whole site is down
        @as mod:bob
        @place #support/T-1
        Looking into it, can you send a screenshot?
        @clock +30h
        @as alice
        @place dm
        here is the screenshot
        @clock +1m
        @clock +23h
        any news?
        @clock +1h
        """,
        **DESK,
    )
    breaches = [m["text"] for m in said_to(messages, "#support") if "resolution" in m["text"]]
    assert len(breaches) == 1, "24 h of work, not 30 h of waiting plus a minute"
    texts = [m["text"] for m in messages]
    breach = next(i for i, t in enumerate(texts) if "missed its resolution target" in t)
    assert breach > next(i for i, t in enumerate(texts) if "any news?" in t)


async def test_a_founder_who_talks_to_the_bot_late_still_gets_the_escalation_once(
    run_script: RunScript,
) -> None:
    messages = await run_script(
        """
        @as alice
        /ticket Site down | x
        @clock +5h
        @as founder:fiona
        /help
        @clock +1h
        @clock +1h
        """,
        **DESK,
    )
    to_fiona = [m for m in messages if m["to"] == "fiona" and m["key"] == "tickets/breach_founder"]
    assert len(to_fiona) == 1 and "T-1" in to_fiona[0]["text"]
    assert len(said_to(messages, "#support")) == 1, "the channel heard once, at the first sweep"
