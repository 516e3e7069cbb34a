"""Feedback from Telegram's command menu: a bare /feedback asks, and the next DM is filed."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from adapters.telegram.html import html_parts
from core.features.feedback.models import FeedbackItem
from tests.unit.chat import TG, Chat


async def _items(chat: Chat) -> list[tuple[str, str, str]]:
    async with chat.app.services.database.session() as session:
        rows = await session.execute(
            select(FeedbackItem.category, FeedbackItem.title, FeedbackItem.description)
        )
        return [tuple(row) for row in rows]


async def test_a_bare_feedback_asks_the_kind_then_files_the_next_message(chat: Chat) -> None:
    (asked,) = await chat.say(TG, "alice", "/feedback")
    kinds = [b.data for b in asked.buttons]
    assert kinds == ["fb.kind:bug", "fb.kind:feature", "fb.kind:ux", "fb.kind:other", "fb.cancel:"]
    (prompt,) = await chat.press(TG, "alice", "fb.kind:bug")
    assert "first line is a short title" in prompt.text
    (saved,) = await chat.say(TG, "alice", "Login button does nothing\nTapping it on my phone.")
    assert "saved as <b>#1</b>" in html_parts(saved.text, 4096)[0]
    assert await _items(chat) == [("bug", "Login button does nothing", "Tapping it on my phone.")]
    (answer,) = await chat.say(TG, "alice", "how do I link my accounts?")
    assert "/link" in answer.text, "the exchange is over: the next message is a question again"


async def test_a_chinese_member_is_asked_in_chinese_and_a_long_line_keeps_its_words(
    chat: Chat,
) -> None:
    (prompt,) = await chat.say(TG, "xiaowang", "/feedback feature", locale="zh-CN")
    assert "第一行是简短的标题" in prompt.text
    idea = "希望机器人能支持" + "按标签筛选工单、导出报表并且每周自动发送摘要给管理员" * 6
    await chat.say(TG, "xiaowang", idea, locale="zh-CN")
    ((category, title, description),) = await _items(chat)
    assert category == "feature"
    assert title.endswith("…") and len(title) <= 81
    assert description == idea


async def test_cancel_or_walking_away_files_nothing(chat: Chat) -> None:
    await chat.say(TG, "alice", "/feedback ux")
    (cancelled,) = await chat.press(TG, "alice", "fb.cancel:")
    assert "No feedback then" in cancelled.text
    await chat.say(TG, "alice", "the menu is confusing")
    await chat.say(TG, "bob", "/feedback ux")
    chat.clock.advance(timedelta(hours=1))
    await chat.say(TG, "bob", "the menu is confusing")
    assert await _items(chat) == []


async def test_a_ticket_started_afterwards_takes_the_next_message(chat: Chat) -> None:
    await chat.say(TG, "alice", "/feedback bug")
    chat.clock.advance(timedelta(seconds=5))
    await chat.say(TG, "alice", "/ticket")
    (asked_description,) = await chat.say(TG, "alice", "Charged twice")
    assert "Charged twice" in asked_description.text
    assert await _items(chat) == []


async def test_feedback_asked_for_after_a_ticket_takes_the_next_message_alone(chat: Chat) -> None:
    await chat.say(TG, "alice", "/ticket")
    await chat.say(TG, "alice", "/feedback bug")
    await chat.say(TG, "alice", "Login button does nothing")
    (answer,) = await chat.say(TG, "alice", "how do I link my accounts?")
    assert "/link" in answer.text, "the abandoned ticket does not take this as its subject"
    assert [title for _, title, _ in await _items(chat)] == ["Login button does nothing"]
