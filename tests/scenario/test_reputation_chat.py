"""Reputation as a console script lives it: a thanks reaction and taking it back, a thanks
by reply, a moderator's solution, on a moved clock."""

from __future__ import annotations

from core.markup import plain
from tests.scenario.conftest import RunScript

SETTLING_IN = [
    line for letter in "abcdefghij" for line in ("@clock +2m", f"bob says {letter * 3} today")
]
"""Ten messages and four days: bob is a regular whose thanks count."""


async def test_a_reaction_taken_back_and_a_solution_show_in_the_history(
    run_script: RunScript,
) -> None:
    script = [
        "@place #general",
        "@as bob",
        *SETTLING_IN,
        "@clock +4d",
        "@as ada",
        "Settings, then Security, then Reset password.",
        "@as bob",
        "@react ada 🙏",
        "@unreact ada 🙏",
        "@reply ada",
        "thanks, that worked!",
        "@as mod:maria",
        "@reply ada",
        "/rep solution",
        "@as ada",
        "/rep history",
    ]
    messages = await run_script("\n".join(script))
    texts = [plain(str(m["text"])) for m in messages]
    assert any("Marked as the solution: ada earns 15 points" in t for t in texts)
    (history,) = [t for t in texts if "Changes" in t]
    assert "ada: 16 points" in history
    assert "+10 thanked with a reaction (from bob)" in history
    assert "-10 reaction taken back (from bob)" in history
    assert "+15 answer marked as the solution (by maria)" in history
    assert "thanked (from bob)" not in history, "one thanks a day from bob to ada counts"
