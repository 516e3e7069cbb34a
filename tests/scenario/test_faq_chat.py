"""A member's first conversations with the bot, as console scripts."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.ext.asyncio import create_async_engine

from tests.scenario.conftest import RunScript


async def test_member_gets_an_answer_and_can_say_it_did_not_help(
    run_script: RunScript, database_url: str
) -> None:
    messages = await run_script(
        """
        @as alice
        how do I link my telegram and discord accounts?
        @press 2
        """
    )
    answer, after_vote = messages
    assert "/link" in answer["text"]
    assert answer["buttons"] == ["👍 Helpful", "👎 Not helpful"]
    assert after_vote["visibility"] == "private"
    assert after_vote["buttons"] == ["🙋 Ask a human"]
    engine = create_async_engine(database_url)
    async with engine.connect() as connection:
        from core.features.faq.models import AnswerLog

        row = (await connection.execute(select(AnswerLog.entry_id, AnswerLog.vote))).one()
    await engine.dispose()
    assert tuple(row) == ("link-accounts", "down")


async def test_uncovered_question_is_declined_with_topics_and_a_human(
    run_script: RunScript,
) -> None:
    (declined,) = await run_script(
        """
        what is the airspeed velocity of an unladen swallow
        """
    )
    assert "not sure" in declined["text"]
    assert declined["buttons"][-1] == "🙋 Ask a human"
    assert 2 <= len(declined["buttons"]) <= 4


async def test_greetings_and_thanks_get_a_friendly_word_not_a_decline(
    run_script: RunScript, database_url: str
) -> None:
    hello, thanks, chinese_hello = await run_script(
        """
        @as alice
        Hi!
        thank you 🙏
        你好
        """
    )
    assert hello["text"].startswith("Hi!") and "/help" in hello["text"]
    assert "welcome" in thanks["text"]
    assert chinese_hello["text"].startswith("你好")
    assert [m["buttons"] for m in (hello, thanks, chinese_hello)] == [[], [], []]
    engine = create_async_engine(database_url)
    async with engine.connect() as connection:
        from core.features.faq.models import AnswerLog

        logged = (await connection.execute(select(AnswerLog.id))).all()
    await engine.dispose()
    assert logged == [], "small talk is not an unanswered question"


async def test_gibberish_is_declined_without_unrelated_topics(run_script: RunScript) -> None:
    (declined,) = await run_script(
        """
        @as alice
        xyzzy plugh
        """
    )
    assert declined["buttons"] == ["🙋 Ask a human"]
    assert "one of these" not in declined["text"] and "If not" not in declined["text"]
    assert 'Press "Ask a human"' in declined["text"]


async def test_picking_a_suggested_topic_shows_that_answer(run_script: RunScript) -> None:
    declined, shown = await run_script(
        """
        what is the airspeed velocity of an unladen swallow
        @press 1
        """
    )
    assert shown["text"].startswith(declined["buttons"][0])
    assert shown["buttons"] == ["👍 Helpful", "👎 Not helpful"]


async def test_asking_a_human_opens_a_ticket_with_the_question(run_script: RunScript) -> None:
    messages = await run_script(
        """
        what is the airspeed velocity of an unladen swallow
        @press ask a human
        """
    )
    assert "T-1" in messages[1]["text"]
    assert "airspeed velocity" in messages[1]["text"]


async def test_members_cannot_manage_the_knowledge_base(run_script: RunScript) -> None:
    (refused,) = await run_script(
        """
        @as mallory
        /faq add how do i get free stuff | Ask the founder.
        """
    )
    assert "Only moderators" in refused["text"]
    assert refused["visibility"] == "private"


async def test_a_moderator_adds_an_entry_that_then_answers(run_script: RunScript) -> None:
    messages = await run_script(
        """
        @as bob
        how do i get a refund for my subscription
        @as mod:ana
        /faq add how do i get a refund for my subscription | Mail billing@example.com in 30 days.
        @as bob
        how do i get a refund for my subscription
        """
    )
    declined, added, answered = messages
    assert "not sure" in declined["text"]
    assert "Added" in added["text"]
    assert "billing@example.com" in answered["text"]


async def test_long_messages_and_unknown_commands_get_clear_replies(run_script: RunScript) -> None:
    long_question = ("why " * 2500).strip() + "?"
    too_long, unknown = await run_script(f"{long_question}\n/frobnicate now\n")
    assert "10,000 characters" in too_long["text"]
    assert "/ticket" in too_long["text"]
    assert "/frobnicate" in unknown["text"] and "/help" in unknown["text"]


async def test_chinese_questions_are_answered_from_the_chinese_knowledge_base(
    run_script: RunScript,
) -> None:
    (answer,) = await run_script(
        """
        怎么把 discord 和 telegram 账号绑定在一起
        """
    )
    assert "/link" in answer["text"]
    assert answer["buttons"] == ["👍 有帮助", "👎 没帮助"]


async def test_a_chinese_question_the_knowledge_base_does_not_cover_is_declined(
    run_script: RunScript,
) -> None:
    # Avatars, prices and phone numbers are not in the sample knowledge base, but these share
    # words with entries on editing answers, the SLA ("是多少") and linking accounts ("绑").
    replies = await run_script(
        """
        怎么修改头像
        价格是多少
        怎么换绑手机号
        """
    )
    assert len(replies) == 3
    for declined in replies:
        assert "不太确定" in declined["text"] and declined["buttons"][-1] == "🙋 找真人"


async def test_language_choice_changes_the_replies(run_script: RunScript) -> None:
    chosen, unknown = await run_script(
        """
        /language zh-cn
        /frobnicate
        """
    )
    assert "简体中文" in chosen["text"]
    assert "我不认识命令" in unknown["text"]


async def test_bad_arguments_show_the_usage(run_script: RunScript) -> None:
    (reply,) = await run_script(
        """
        /language klingon
        """
    )
    assert "klingon" in reply["text"]
    assert "/language <en|zh-cn|auto>" in reply["text"]


async def test_a_chinese_member_reads_argument_names_in_chinese(run_script: RunScript) -> None:
    _, missing, not_a_choice = await run_script(
        """
        /language zh-cn
        /feedback new bug
        /feedback list 随便
        """
    )
    assert missing["text"].startswith("/feedback new 还需要标题。")
    assert "/feedback new <bug|feature|ux|other> <标题> | [描述]" in missing["text"]
    assert "列表可以是 top、new、mine，而不是“随便”。" in not_a_choice["text"]


async def test_a_moderator_edits_and_removes_a_shipped_entry(run_script: RunScript) -> None:
    messages = await run_script(
        """
        @as mod:ana
        /faq show link-accounts
        /faq edit link-accounts | Ask in #support, we link accounts by hand this week.
        @as bob
        how do I link my telegram and discord accounts?
        @as mod:ana
        /faq remove link-accounts
        /faq show link-accounts
        """
    )
    shown, edited, answered, removed, twin = messages
    assert "connect discord and telegram" in shown["text"]
    assert "Updated" in edited["text"]
    assert "by hand this week" in answered["text"]
    assert "Removed" in removed["text"]
    assert twin["text"].startswith("link-accounts (zh-CN)"), "only the English entry is removed"


async def test_a_moderator_typo_in_a_channel_is_answered_privately(run_script: RunScript) -> None:
    (reply,) = await run_script(
        """
        @as mod:ana
        @place #general
        /faq show link-acounts
        """
    )
    assert "There is no entry link-acounts" in reply["text"]
    assert reply["visibility"] == "private", "a typo is not posted to the whole channel"


async def test_buttons_under_a_chinese_answer_reply_in_chinese(run_script: RunScript) -> None:
    """No /language chosen: the language comes from the question, and a press has no text."""
    answer, voted, opened = await run_script(
        """
        @as 小王
        怎么绑定 telegram 账号
        @press 2
        @press 1
        """
    )
    assert answer["buttons"] == ["👍 有帮助", "👎 没帮助"]
    assert voted["text"].startswith("谢谢告诉我") and voted["buttons"] == ["🙋 找真人"]
    assert opened["text"].startswith("工单 T-1 已创建")


async def test_a_chinese_entry_gets_an_id_a_moderator_can_read(run_script: RunScript) -> None:
    added, shown = await run_script(
        """
        @as mod:ana
        /faq add 怎么修改头像？ | 在「设置 → 个人资料」里上传新头像。
        /faq show 怎么修改头像
        """
    )
    assert added["text"].startswith("已添加 怎么修改头像（zh-CN）")
    assert "在「设置 → 个人资料」里上传新头像。" in shown["text"]
