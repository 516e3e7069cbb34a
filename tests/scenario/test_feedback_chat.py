"""Feedback as members and moderators live it, as console scripts."""

from __future__ import annotations

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import create_async_engine

from core.features.feedback.models import FeedbackItem, FeedbackVote
from core.members.models import Member
from tests.scenario.conftest import Messages, RunScript


def _to(messages: Messages, name: str) -> list[str]:
    return [str(m["text"]) for m in messages if m["to"] == name]


async def _opt_out(database_url: str, name: str) -> None:
    engine = create_async_engine(database_url)
    async with engine.begin() as connection:
        await connection.execute(
            update(Member).where(Member.display_name == name).values(dm_opt_out=True)
        )
    await engine.dispose()


async def test_an_idea_goes_from_submitted_to_shipped_and_every_backer_hears_it(
    run_script: RunScript, database_url: str
) -> None:
    await run_script(
        """
        @as erin
        hello
        """
    )
    await _opt_out(database_url, "erin")
    messages = await run_script(
        """
        @as alice
        /feedback feature Export my tickets as CSV | a spreadsheet for my monthly report
        @as bob
        /language zh-cn
        /feedback vote 1
        @as carol
        @platform telegram
        /feedback vote #1
        @as erin
        @platform console
        /feedback vote 1
        @as mod:maria
        /feedback status 1 in_review
        @clock +1d
        /feedback status 1 planned
        /feedback status 1 in_progress
        @clock +3d
        /feedback status 1 completed Shipped in 2.4: Settings → Export
        """
    )
    shipped_en = "🎉 The idea you backed has shipped: #1 Export my tickets as CSV"
    assert any(shipped_en in text for text in _to(messages, "carol"))
    assert any(
        "The feedback you sent has shipped" in text and "Shipped in 2.4" in text
        for text in _to(messages, "alice")
    )
    bob = _to(messages, "bob")
    assert any("你支持的想法已上线：#1 Export my tickets as CSV" in text for text in bob)
    assert not any("has shipped" in text for text in bob)
    assert _to(messages, "erin") == [_to(messages, "erin")[0]]
    assert "your vote for #1" in _to(messages, "erin")[0]
    for name in ("alice", "bob", "carol"):
        assert len([t for t in _to(messages, name) if "#1 Export" in t and "🎉" in t]) == 1
    told = [m for m in _to(messages, "maria") if "is now completed" in m]
    assert told == ["#1 Export my tickets as CSV is now completed. 3 members were told."]


async def test_a_similar_item_is_offered_and_backing_it_keeps_one_item(
    run_script: RunScript, database_url: str
) -> None:
    messages = await run_script(
        """
        @as alice
        /feedback feature Please add a dark mode | the white background hurts my eyes at night
        @as bob
        /feedback feature Dark theme | would love a dark mode option
        @press 1
        /feedback vote 1
        /feedback list mine
        """
    )
    similar, counted, again, mine = _to(messages, "bob")
    prompt = next(m for m in messages if m["text"] == similar)
    assert prompt["button_data"] == ["fb.instead:1:1", "fb.submit:1"]
    assert "the same request" in similar
    assert "#1 Please add a dark mode" in similar
    assert "Your feature request is saved" not in similar
    assert "your vote for #1" in counted and "(1 vote)" in counted
    assert "You already back #1" in again and "(1 vote)" in again
    assert "#1 Please add a dark mode" in mine and "Dark theme" not in mine
    engine = create_async_engine(database_url)
    async with engine.connect() as connection:
        titles = (await connection.execute(select(FeedbackItem.title))).scalars().all()
        votes = (await connection.execute(select(FeedbackVote.item_id))).scalars().all()
    await engine.dispose()
    assert titles == ["Please add a dark mode"]
    assert votes == [1]


async def test_submitting_anyway_keeps_the_member_s_own_item(run_script: RunScript) -> None:
    messages = await run_script(
        """
        @as alice
        /feedback feature Please add a dark mode
        @as bob
        /feedback new ux Dark mode for the mobile app only
        @press 2
        /feedback list new
        """
    )
    similar, submitted, listing = _to(messages, "bob")
    assert similar.endswith('Otherwise press "Submit anyway".')
    assert "saved as #2: Dark mode for the mobile app only" in submitted
    assert "#2 Dark mode for the mobile app only" in listing
    assert "#1 Please add a dark mode" in listing


async def test_unrelated_requests_are_saved_without_a_detour(run_script: RunScript) -> None:
    messages = await run_script(
        """
        @as alice
        /feedback feature Please add a dark mode
        @as bob
        /feedback feature Please add a calendar of community events
        """
    )
    (saved,) = _to(messages, "bob")
    assert "saved as #2" in saved


async def test_chinese_feedback_and_questions_are_grouped_into_themes(
    run_script: RunScript,
) -> None:
    messages = await run_script(
        """
        @as 小王
        /feedback feature 希望增加暗黑模式 | 晚上看屏幕太亮了
        @as 小李
        /feedback feature 能不能出一个暗黑模式
        @press 2
        @as 小张
        /feedback ux 夜间用暗黑模式会更舒服
        @press 2
        @as 小赵
        /feedback bug 登录失败 | 一直提示密码错误
        @as 小陈
        /feedback bug 无法登录，点了登录按钮没反应
        @as 小刘
        /feedback other 谢谢你们的社区活动
        @as 小周
        暗黑模式什么时候上线？
        @as mod:阿梅
        /language zh-cn
        /feedback themes
        """
    )
    report = _to(messages, "阿梅")[-1]
    assert report.startswith("最近 30 天成员提出的主题（共 7 条反馈和未答问题）")
    first, second = report.split("\n2. ")
    assert "1. 暗黑模式：4 条（3 条反馈，1 个问题）" in first
    assert "暗黑模式什么时候上线？" in first
    assert second.startswith("登录") and "2 条" in second
    assert "社区活动" not in report.split("另有")[0]
    assert "另有 1 条与其他内容都不相似" in report


async def test_moderators_get_the_allowed_moves_and_members_get_no_say(
    run_script: RunScript,
) -> None:
    messages = await run_script(
        """
        @as alice
        /feedback bug The bot answers twice in #help
        @as mallory
        /feedback status 1 completed
        @as mod:maria
        /feedback status 1 in_progress
        /feedback status 1 planned
        /feedback status 1 declined
        /feedback status 1 declined Duplicate of a known issue
        /feedback status 1 in_review
        """
    )
    (refused,) = _to(messages, "mallory")
    assert "Only moderators can use /feedback status" in refused
    skipped, backwards, no_reason, declined, final = _to(messages, "maria")
    assert "is now in progress" in skipped, "steps may be skipped"
    assert backwards == (
        "#1 is in progress, so it can't go to planned. "
        "It can move to: completed (completed), declined (declined)."
    )
    assert "needs a reason" in no_reason
    assert "is now declined. 1 member was told." in declined
    assert "which is final" in final
    (news,) = [t for t in _to(messages, "alice") if "declined" in t]
    assert "Duplicate of a known issue" in news


async def test_an_overlong_item_is_refused_kindly_and_nothing_is_saved(
    run_script: RunScript,
) -> None:
    long_title = "the app " * 30
    messages = await run_script(
        f"""
        @as alice
        /feedback bug {long_title}
        /feedback list mine
        """
    )
    refused, mine = _to(messages, "alice")
    assert "under 200 characters" in refused and "Nothing was saved" in refused
    assert "haven't submitted" in mine


async def test_an_item_that_is_not_a_number_is_explained(run_script: RunScript) -> None:
    english, huge, _, chinese, full_width = await run_script(
        """
        /feedback vote abc
        /feedback show 99999999999999999999
        /language zh-cn
        /feedback show 第一
        /feedback show ＃１２
        """
    )
    assert '"abc" is not a number' in english["text"]
    assert "I can't find feedback #99999999999999999999" in huge["text"]
    assert "“第一”不是编号" in chinese["text"]
    assert "#12" in full_width["text"] and "不是编号" not in full_width["text"]


async def test_a_member_who_writes_chinese_is_answered_in_chinese_until_they_write_english(
    run_script: RunScript,
) -> None:
    messages = await run_script(
        """
        @as alice
        /feedback feature Dark mode | the white background hurts at night
        @as wu
        能不能出暗黑模式
        /feedback vote 1
        @as mod:maria
        /feedback status 1 in_review
        @as wu
        /feedback list mine
        /feedback show 1
        How do I link my accounts?
        /feedback show 1
        """
    )
    voted, told, listed, shown_in_chinese, _, shown_in_english = _to(messages, "wu")[1:]
    assert "你对 #1 Dark mode 的投票已记录" in voted
    assert "你支持的想法" in told
    assert "你提交或支持的反馈" in listed
    assert "功能建议" in shown_in_chinese, "'list mine' are keywords, not English words"
    assert "Feature request" in shown_in_english


async def test_backers_of_a_bug_hear_it_is_fixed(run_script: RunScript) -> None:
    messages = await run_script(
        """
        @as alice
        /feedback bug Export is empty | the CSV has headers only
        @as bob
        /feedback vote 1
        @as mod:maria
        /feedback status 1 in_review
        /feedback status 1 planned
        /feedback status 1 in_progress
        /feedback status 1 completed
        """
    )
    assert any("✅ The bug report you backed is fixed: #1" in t for t in _to(messages, "bob"))
    assert not any("idea" in t for t in _to(messages, "bob"))


async def test_themes_of_one_day_say_so_in_the_singular(run_script: RunScript) -> None:
    (report,) = await run_script(
        """
        @as mod:maria
        /feedback themes 1
        """
    )
    assert "in the last day:" in report["text"] and "1 days" not in report["text"]
