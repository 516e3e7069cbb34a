"""Moderators teaching the knowledge base, and the figures that say whether it helps."""

from __future__ import annotations

from tests.scenario.conftest import Messages, RunScript

LEARNING = {"faq": {"help_channels": ["console:help"], "review_place": "console:staff"}}
MISSED = "the squad lounge never hears back from the helper"
GROUP_ENTRY = "Why doesn't the bot reply in my Telegram group?"


def _to(messages: Messages, who: str) -> Messages:
    return [m for m in messages if m["to"] == who]


async def test_a_moderators_reply_teaches_the_bot_a_new_phrasing(run_script: RunScript) -> None:
    messages = await run_script(
        f"""
        @as alice
        @place #help
        {MISSED}?
        @as dave
        @place dm
        {MISSED}
        @as mod:bob
        @place #help
        @reply alice
        That's Telegram's privacy mode, see #telegram-group-no-reply
        /faq suggestions
        @press 1
        @as carol
        @place dm
        {MISSED}
        """,
        **LEARNING,
    )
    assert _to(messages, "alice") == [], "the bot stays quiet in a help channel when unsure"
    (before,) = _to(messages, "dave")
    assert "not sure" in before["text"]
    noted, listed, accepted = _to(messages, "bob")
    assert noted["visibility"] == "private"
    assert "telegram-group-no-reply" in noted["text"]
    assert MISSED in listed["text"]
    assert listed["buttons"] == ["✅ 1", "➕ 1", "❌ 1"]
    assert "Accepted #1" in accepted["text"]
    (after,) = _to(messages, "carol")
    assert after["text"].startswith(GROUP_ENTRY)
    assert after["buttons"] == ["👍 Helpful", "👎 Not helpful"]


async def test_a_disliked_answer_reaches_moderators_and_their_answer_reaches_the_member(
    run_script: RunScript,
) -> None:
    messages = await run_script(
        """
        @as alice
        how do I get my money back for my tickets
        @press 2
        @as mod:bob
        /faq answer 1 Refunds go through the organiser; write to them within 14 days.
        /faq answer 1 Refunds go through the organiser; write to them within 14 days.
        /faq suggestions
        @press 1
        @as carol
        how do I get my money back for my tickets
        @as mod:bob
        /faq health
        """,
        **LEARNING,
    )
    notices = [m for m in messages if "question #1" in m["text"]]
    assert len(notices) == 1
    assert notices[0]["buttons"] == ["✍️ Answer this"]
    told = [m for m in _to(messages, "alice") if m["key"] == "faq/moderator_answer"]
    assert len(told) == 1, "answering twice does not DM the member twice"
    assert "within 14 days" in told[0]["text"]
    noted, again, listed, accepted, health = _to(messages, "bob")
    assert "member gets your answer" in noted["text"]
    assert "already has suggestion #1" in again["text"]
    assert listed["buttons"] == ["✅ 1", "❌ 1"], "no entry is close: accepting adds a new one"
    assert "Accepted #1" in accepted["text"]
    (answer,) = _to(messages, "carol")
    assert "within 14 days" in answer["text"]
    assert answer["buttons"] == ["👍 Helpful", "👎 Not helpful"]
    assert "my-tickets answered 1 question meant for how-do-i-get-my-money-back" in health["text"]
    assert "waiting for a moderator" not in health["text"], "answered questions leave the list"


async def test_rejecting_changes_nothing_and_a_second_press_is_harmless(
    run_script: RunScript,
) -> None:
    messages = await run_script(
        """
        @as alice
        @place #help
        how much does a pro plan cost?
        @as mod:bob
        @place #help
        @reply alice
        Pro costs 5 dollars a month.
        /faq suggestions
        @as mod:erin
        /faq suggestions
        @as mod:bob
        @press 2
        @as mod:erin
        @press 1
        @as mod:erin
        /faq suggestions
        @as carol
        @place dm
        how much does a pro plan cost?
        """,
        **LEARNING,
    )
    listed, rejected = _to(messages, "bob")[-2:]
    assert listed["buttons"] == ["✅ 1", "❌ 1"], "no entry was close: it would be a new one"
    assert "Rejected #1" in rejected["text"]
    late = _to(messages, "erin")[1]
    assert "already rejected" in late["text"]
    assert "No suggestions are waiting" in _to(messages, "erin")[-1]["text"]
    (carol,) = _to(messages, "carol")
    assert "5 dollars" not in carol["text"]


async def test_health_lists_an_entry_members_keep_disliking(run_script: RunScript) -> None:
    votes = "\n".join(
        f"@as member{n}\nwhy doesn't the bot reply in my telegram group\n@press 2" for n in range(3)
    )
    messages = await run_script(
        f"""
        {votes}
        @as happy
        why doesn't the bot reply in my telegram group
        @press 1
        @as mod:bob
        /faq health
        """
    )
    (health,) = _to(messages, "bob")
    assert "telegram-group-no-reply (en): 👎 on 3 of 4 answers" in health["text"]


async def test_stats_after_a_mixed_day(run_script: RunScript) -> None:
    messages = await run_script(
        """
        @as alice
        how do I link my telegram and discord accounts?
        @press 1
        @as bob
        how do I link my telegram and discord accounts?
        @clock +2h
        how can I link my telegram and discord accounts?
        @as carol
        how do I link my telegram and discord accounts?
        @press 2
        @press 1
        @as dave
        what is the airspeed velocity of an unladen swallow
        @as erin
        what's the airspeed velocity of an unladen swallow?
        @as mod:moe
        /faq stats
        @clock +25h
        /faq stats 7
        """
    )
    early, settled = _to(messages, "moe")
    assert "Questions asked: 6 (answered 4, declined 2)" in settled["text"]
    assert "👍 1 · 👎 1" in settled["text"]
    assert "1 went to a human, 1 asked again" in settled["text"]
    assert "Deflection: 50% (2 of 4 answers needed nothing more)" in settled["text"]
    assert '2× "what\'s the airspeed velocity of an unladen swallow?"' in settled["text"]
    assert "not measured yet" in early["text"]
    assert "4 answers are less than 24 h old" in early["text"]


async def test_the_loop_in_chinese(run_script: RunScript) -> None:
    question = "群里那个助手装聋作哑"
    messages = await run_script(
        f"""
        @as xiaoming
        {question}
        @as mod:laowang
        /language zh-cn
        /faq answer 1 这是 Telegram 的隐私模式，见 #telegram-group-no-reply
        /faq answer 99 没有这个问题
        /faq suggestions
        @press 1
        /faq stats
        @as xiaohong
        {question}
        """,
        **LEARNING,
    )
    declined, told = _to(messages, "xiaoming")
    assert "不太确定" in declined["text"]
    assert told["text"].startswith(f"管理员回答了你的问题“{question}”")
    assert "#telegram" not in told["text"], "the pointer is for moderators, not the member"
    _, noted, missing, listed, accepted, figures = _to(messages, "laowang")
    assert "作为条目 telegram-group-no-reply 的新问法" in noted["text"]
    assert "没有编号为 #99 的问题" in missing["text"]
    assert "共 1 条建议待处理" in listed["text"]
    assert accepted["text"].startswith("已采纳 #1")
    assert "提问：1（已回答 0，未回答 1）" in figures["text"]
    assert f"- 1×“{question}”" in figures["text"]
    (answered,) = _to(messages, "xiaohong")
    assert answered["text"].startswith("为什么机器人在 Telegram 群里不回复？")
