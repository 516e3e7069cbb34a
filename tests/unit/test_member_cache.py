"""The member cache never answers from a stale member: what a link, an unlink, a merge or a
language change did is seen by the very next message, though the member was cached."""

from __future__ import annotations

import re

from sqlalchemy import select

from core.activity import ActivityEvent
from core.events import Place, PlaceKind
from tests.unit.chat import DC, TG, Chat

HAN = re.compile(r"[\u4e00-\u9fff]")


async def _last_member(chat: Chat) -> int | None:
    """The member the latest event was counted for, as the activity log wrote it."""
    await chat.app.services.activity.flush()
    async with chat.app.services.database.session() as session:
        found: int | None = await session.scalar(
            select(ActivityEvent.member_id).order_by(ActivityEvent.id.desc()).limit(1)
        )
        return found


async def test_a_language_change_is_seen_by_the_next_message(chat: Chat) -> None:
    group = Place(TG, "-100", PlaceKind.GROUP)
    await chat.say(TG, "alice", "good morning everyone", place=group)
    (before,) = await chat.say(TG, "alice", "/help")
    assert not HAN.search(before.text)
    await chat.say(TG, "alice", "/language zh-cn")
    (after,) = await chat.say(TG, "alice", "/help")
    assert HAN.search(after.text), after.text


async def test_a_link_merge_and_unlink_are_seen_by_the_next_message(chat: Chat) -> None:
    await chat.say(TG, "alice", "hello there all")
    telegram_member = await _last_member(chat)
    await chat.say(DC, "alice", "hello there all")
    discord_member = await _last_member(chat)
    assert telegram_member != discord_member
    code = await chat.code(TG, "alice")
    await chat.say(DC, "alice", f"/link {code}")
    await chat.say(DC, "alice", "hello again all")
    assert await _last_member(chat) == telegram_member, "merged into the older member"
    await chat.say(DC, "alice", "/unlink discord")
    await chat.say(DC, "alice", "hello once more")
    alone = await _last_member(chat)
    assert alone not in (telegram_member, None), "the unlinked account is a member of its own"
    await chat.say(TG, "alice", "still here")
    assert await _last_member(chat) == telegram_member
