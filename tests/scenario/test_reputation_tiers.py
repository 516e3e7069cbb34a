"""Tiers on a moved clock: a member who passes a threshold is told where everyone sees it,
their Discord role follows (the tier's on, the one below off), and /rank shows the card."""

from __future__ import annotations

from typing import Any

from core.markup import plain
from tests.scenario.conftest import RunScript

MEMBER_ROLE, CONTRIBUTOR_ROLE, CORE_ROLE = "501", "502", "503"
TIERS: list[dict[str, Any]] = [
    {"name": {"en": "Newcomer", "zh-CN": "新人"}, "min_reputation": 0},
    {
        "name": {"en": "Member", "zh-CN": "成员"},
        "min_reputation": 50,
        "discord_role_id": MEMBER_ROLE,
    },
    {
        "name": {"en": "Contributor", "zh-CN": "贡献者"},
        "min_reputation": 250,
        "perks": {"en": "The Contributor role", "zh-CN": "贡献者身份组"},
        "discord_role_id": CONTRIBUTOR_ROLE,
    },
    {
        "name": {"en": "Core", "zh-CN": "核心成员"},
        "min_reputation": 1000,
        "discord_role_id": CORE_ROLE,
    },
]
ADA_ARRIVES = [
    "@platform discord",
    "@place #general",
    "@as ada",
    "hello everyone, I am new here",
    "@as mod:maria",
]
SETTINGS = {"announce_place": "discord:general", "tiers": TIERS}


async def test_crossing_into_contributor_is_announced_and_moves_the_role(
    run_script: RunScript,
) -> None:
    script = [
        *ADA_ARRIVES,
        "/rep add ada 60 ran the meetup",
        "@clock +1m",
        "/rep add ada 200 wrote the setup guide",
        "@clock +1m",
        "@clock +1m",
        "@as ada",
        "/rank",
    ]
    messages = await run_script("\n".join(script), reputation=SETTINGS)
    told = [m for m in messages if m["key"] == "reputation/tier_changed"]
    assert [plain(str(m["text"])).splitlines()[0] for m in told] == [
        "🎉 ada is now Member, with 61 points!",
        "🎉 ada is now Contributor, with 261 points!",
    ]
    assert "Perks: The Contributor role" in plain(str(told[1]["text"]))
    roles = [m["roles"] for m in messages if m["key"] == "core/roles"]
    assert roles == [
        {"add": [MEMBER_ROLE], "remove": [CONTRIBUTOR_ROLE, CORE_ROLE]},
        {"add": [CONTRIBUTOR_ROLE], "remove": [MEMBER_ROLE, CORE_ROLE]},
    ], "announced once each, however many sweeps pass"
    (card,) = [m for m in messages if m["key"] == "reputation/rank"]
    assert card["attachments"] == [card["attachments"][0]]
    assert str(card["attachments"][0]).endswith(".png")
    assert "ada · Contributor · 261 points · #1 of 1 · 261 / 1,000 to Core" in plain(
        str(card["text"])
    )


async def test_a_moderator_taking_points_back_moves_the_member_down(run_script: RunScript) -> None:
    script = [
        *ADA_ARRIVES,
        "/rep add ada 300 wrote the setup guide",
        "@clock +1m",
        "/rep remove ada 280 the guide was copied",
        "@clock +1m",
    ]
    messages = await run_script("\n".join(script), reputation=SETTINGS)
    told = [plain(str(m["text"])) for m in messages if m["key"] == "reputation/tier_changed"]
    assert told[-1].startswith("ada is now Newcomer, with 21 points.")
    roles = [m["roles"] for m in messages if m["key"] == "core/roles"]
    assert roles[-1] == {"add": [], "remove": [MEMBER_ROLE, CONTRIBUTOR_ROLE, CORE_ROLE]}
