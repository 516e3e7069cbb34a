"""/rep suspicious as moderators use it: a thank-you ring of two members stopped on its
fourth thanks and listed with the thanks that went round; members are refused."""

from __future__ import annotations

from core.markup import plain
from tests.scenario.conftest import RunScript


def _settling_in(name: str) -> list[str]:
    """Ten messages: with four days' wait after, ``name``'s thanks count."""
    return [
        f"@as {name}",
        *(line for letter in "abcdefghij" for line in ("@clock +2m", f"{letter * 4} from {name}")),
    ]


def _thanks(giver: str, receiver: str, words: str) -> list[str]:
    return [f"@as {receiver}", words, f"@as {giver}", f"@reply {receiver}", "thanks a lot!"]


async def test_a_ring_is_listed_with_its_evidence_for_moderators_only(
    run_script: RunScript,
) -> None:
    script = [
        "@place #general",
        *_settling_in("bob"),
        *_settling_in("cleo"),
        "@clock +4d",
        *_thanks("bob", "cleo", "The export lives under Reports."),
        *_thanks("cleo", "bob", "Restart the sync from Settings."),
        "@clock +25h",
        *_thanks("bob", "cleo", "Invoices are under Billing."),
        *_thanks("cleo", "bob", "Clear the cache and log in again."),
        "@as cleo",
        "/rep history",
        "@as mod:maria",
        "/rep suspicious",
        "@as bob",
        "/rep suspicious",
    ]
    messages = await run_script("\n".join(script))
    history, listed, refused = [
        m
        for m in messages
        if m["key"] in ("reputation/history", "reputation/suspicious", "core/forbidden")
    ]
    assert plain(str(history["text"])).count("+10 thanked (from bob)") == 2, "bob's two count"
    text = plain(str(listed["text"]))
    assert listed["to"] == "maria" and listed["visibility"] == "private"
    assert "bob, cleo: 1 thanks stopped" in text
    assert "2026-" in text and "cleo → bob" in text
    assert "bob → cleo" not in text, "only the thanks that were stopped are the evidence"
    assert refused["key"] == "core/forbidden" and refused["to"] == "bob"
