"""What members and staff read about tickets: each sentence fits its reader."""

from __future__ import annotations

from tests.scenario.conftest import RunScript
from tests.scenario.test_tickets import DESK


async def test_members_do_not_see_internal_breach_flags(run_script: RunScript) -> None:
    messages = await run_script(
        """
        @as alice
        /ticket Site down | the whole site is down
        @clock +2h
        /ticket list
        @as mod:bob
        /ticket list
        """,
        **DESK,
    )
    to_alice = [m["text"] for m in messages if m["to"] == "alice"]
    to_bob = [m["text"] for m in messages if m["to"] == "bob"]
    assert "breached" not in to_alice[-1] and "T-1" in to_alice[-1]
    assert "⚠️ breached" in to_bob[-1]

