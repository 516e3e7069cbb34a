"""Linking accounts and welcoming newcomers, as console scripts on a moved clock.

A link needs a code read from one script's output and typed in the next; the scripts share
the database, and each starts its clock at the same moment.
"""

from __future__ import annotations

from tests.scenario.conftest import RunScript
from tests.unit.chat import code_in


async def test_a_code_expires_after_ten_minutes_and_a_new_one_links(
    run_script: RunScript,
) -> None:
    (offer,) = await run_script(
        """
        @platform telegram
        @as alice
        /link
        """
    )
    assert offer["visibility"] == "private"
    expired, fresh = await run_script(
        f"""
        @clock +11m
        @platform discord
        @as alice
        /link {code_in(offer["text"])}
        @platform telegram
        /link
        """
    )
    assert "expired" in expired["text"]
    messages = await run_script(
        f"""
        @platform discord
        @as alice
        /link {code_in(fresh["text"])}
        """
    )
    assert messages[0]["key"] == "accounts/linked"
    assert "now linked with your Discord account" in messages[1]["text"]


async def test_a_newcomer_is_welcomed_once(run_script: RunScript) -> None:
    messages = await run_script(
        """
        @place #general
        @join grace
        @clock +2h
        @join grace
        """
    )
    assert [m["key"] for m in messages] == ["lifecycle/welcome"]
    assert messages[0]["text"].startswith(
        "Welcome, grace! I'm Townhall, this community's assistant. Ask me anything with /ask, "
        "and send /help to see everything I can do."
    )
