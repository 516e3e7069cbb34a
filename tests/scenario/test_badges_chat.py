"""Badges as a console script lives them: earned by being thanked ten times, on a moved clock,
announced once in the place and once by DM, then shown with /badges."""

from __future__ import annotations

from core.markup import plain
from tests.scenario.conftest import RunScript

APPRECIATED = {
    "id": "appreciated",
    "emoji": "💐",
    "name": {"en": "Appreciated", "zh-CN": "受人感谢"},
    "description": {"en": "Thanked by members 10 times", "zh-CN": "被成员感谢 10 次"},
    "rule": "thanks_received >= 10",
}
HELPFUL = {
    "id": "helpful",
    "emoji": "🤝",
    "name": {"en": "Helpful"},
    "rule": "thanks_received >= 20 and solutions >= 3",
}
SETTLING_IN = [
    line for letter in "abcdefghij" for line in ("@clock +2m", f"bob says {letter * 3} today")
]
"""Ten messages and four days: bob is a regular whose thanks count."""


def _a_day_of_thanks(day: int) -> list[str]:
    """ada answers, bob thanks her: one thanks a day from bob to ada counts."""
    return [
        "@clock +1d",
        "@as ada",
        f"Answer number {day}: look in Settings, then section {day}.",
        "@as bob",
        "@reply ada",
        "thanks, that worked!",
    ]


async def test_ten_thanks_earn_appreciated_once(run_script: RunScript) -> None:
    script = [
        "@place #general",
        "@as bob",
        *SETTLING_IN,
        "@clock +4d",
        *(line for day in range(1, 10) for line in _a_day_of_thanks(day)),
        "@as ada",
        "/badges",
        *_a_day_of_thanks(10),
        *_a_day_of_thanks(11),
        "@as ada",
        "/badges",
    ]
    messages = await run_script("\n".join(script), badges=[APPRECIATED, HELPFUL])
    earned = [m for m in messages if m["key"] == "badges/earned"]
    assert [(m["to"], m["place"]) for m in earned] == [
        ("#general", "#general"),
        ("ada", "dm"),
    ], "announced once where it was earned and once by DM, not again on the 11th thanks"
    assert "ada earned the badge 💐 Appreciated!" in plain(str(earned[0]["text"]))
    assert "You earned the badge 💐 Appreciated!" in plain(str(earned[1]["text"]))
    before, after = [plain(str(m["text"])) for m in messages if m["key"] == "badges/list"]
    assert "No badges yet." in before
    assert "💐 Appreciated: 9/10 thanks received" in before
    assert "💐 Appreciated, since" in after
    assert "Thanked by members 10 times" in after
    assert "🤝 Helpful: 11/20 thanks received, 0/3 solutions" in after
