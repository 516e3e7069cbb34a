"""A newcomer's first days as console scripts live them: the welcome with its checklist,
tasks ticked by what they do, nudges on day 1 and day 3 only to those who take unasked DMs,
and one congratulation with points when the list is done."""

from __future__ import annotations

from core.markup import plain
from tests.scenario.conftest import Messages, RunScript

EVENTS = {"events": {"announce_places": ["console:events"]}}


def to(messages: Messages, who: str, key: str) -> list[str]:
    return [plain(str(m["text"])) for m in messages if m["to"] == who and m["key"] == key]


async def test_the_welcome_shows_the_checklist_where_they_joined(run_script: RunScript) -> None:
    messages = await run_script(
        """
        @place #general
        @join ada
        @as ada
        hello everyone, glad to be here
        @place dm
        /onboarding
        """
    )
    (welcome,) = [m for m in messages if m["key"] == "lifecycle/welcome"]
    assert welcome["place"] == "#general"
    text = plain(str(welcome["text"]))
    assert text.startswith("Welcome, ada!")
    assert "⬜ Say hello in a community channel" in text
    assert "⬜ Thank someone who helped you" in text
    (shown,) = to(messages, "ada", "lifecycle/onboarding")
    assert "1 of 5 done" in shown
    assert "✅ Say hello in a community channel" in shown
    assert "⬜ Ask me a question (/ask)" in shown


async def test_a_member_who_wrote_to_the_bot_is_welcomed_by_dm_in_their_language(
    run_script: RunScript,
) -> None:
    messages = await run_script(
        """
        @as cai
        /language zh-cn
        @place #general
        @join cai
        """
    )
    (welcome,) = [m for m in messages if m["key"] == "lifecycle/welcome"]
    assert welcome["place"] == "dm" and welcome["to"] == "cai"
    text = plain(str(welcome["text"]))
    assert text.startswith("欢迎你，cai！")
    assert "✅ 选择你的语言" in text, "the language chosen before joining is already ticked"


async def test_nudges_on_day_one_and_three_only_to_members_who_take_unasked_dms(
    run_script: RunScript,
) -> None:
    messages = await run_script(
        """
        @place #general
        @join ada
        @join bob
        @join dan
        @as ada
        @place dm
        /onboarding
        @as bob
        /settings
        @press Stop unasked
        @clock +1d
        @clock +2d
        @clock +5d
        """
    )
    ada = to(messages, "ada", "lifecycle/nudge")
    assert len(ada) == 2, "day 1 and day 3, then never again"
    assert ada[0].startswith("Hi ada! Your next step here: Say hello in a community channel.")
    assert "Turn off messages like this with /settings." in ada[0]
    assert to(messages, "bob", "lifecycle/nudge") == [], "bob turned unasked DMs off"
    assert to(messages, "dan", "lifecycle/nudge") == [], "dan never wrote to the bot privately"


async def test_each_step_ticks_as_the_member_acts_and_finishing_pays_once(
    run_script: RunScript,
) -> None:
    messages = await run_script(
        """
        @as mod:maria
        /event create meetup Drinks | 2026-11-28 18:00
        @place #general
        @join ada
        @as ada
        hi all!
        @place dm
        /onboarding
        @place #events
        @press Going
        @place dm
        /onboarding
        /settings timezone Europe/Berlin
        /onboarding
        /ask how do I reset my password?
        /onboarding
        @as maria
        @place #general
        Settings, then Security, then Reset password.
        @as ada
        @react maria 🙏
        @clock +1m
        /rep history
        @clock +1d
        @clock +3d
        @place dm
        /onboarding
        """,
        **EVENTS,
    )
    shown = to(messages, "ada", "lifecycle/onboarding")
    assert [s.split("\n")[0] for s in shown] == [
        "Your first steps: 1 of 5 done.",
        "Your first steps: 2 of 5 done.",
        "Your first steps: 3 of 5 done.",
        "Your first steps: 4 of 5 done.",
        "Your first steps: 5 of 5 done.",
    ]
    assert "✅ Answer an event's RSVP" in shown[1] and "⬜ Ask me a question" in shown[1]
    assert "✅ Ask me a question" in shown[3] and "⬜ Thank someone" in shown[3]
    (congratulation,) = [m for m in messages if m["key"] == "lifecycle/onboarded"]
    assert plain(str(congratulation["text"])) == (
        "🎉 ada finished the newcomer's checklist and earns 20 points. Welcome aboard!"
    )
    assert congratulation["to"] == "ada" and congratulation["place"] == "dm"
    (history,) = [plain(str(m["text"])) for m in messages if m["key"] == "reputation/history"]
    assert "+20 finished the newcomer's checklist" in history
    badges = [plain(str(m["text"])) for m in messages if m["key"].startswith("badges/")]
    assert any("🎒" in text and "ada" in text for text in badges), badges
    assert to(messages, "ada", "lifecycle/nudge") == [], "finished before day 1: no nudges"
