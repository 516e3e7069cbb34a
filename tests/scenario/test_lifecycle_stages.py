"""Members' stages over four months on a moved clock: a newcomer who gets going, slows down,
goes away and comes back; one who never does (at risk once two weeks pass quiet); each
change recorded once, and /member for moderators only."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import timedelta

import pytest_asyncio
from sqlalchemy import select

from bot.app import build_app
from core.clock import ManualClock
from core.events import Place, PlaceKind
from core.features.lifecycle.models import StageChange
from core.markup import plain
from core.members.models import Identity
from tests.conftest import START, make_settings
from tests.fakes.fake_adapter import FakeAdapter
from tests.unit.chat import DC, TG, Chat

GROUP = Place(TG, "-100123", PlaceKind.GROUP)


@pytest_asyncio.fixture
async def chat(database_url: str, clock: ManualClock) -> AsyncIterator[Chat]:
    telegram, discord = FakeAdapter(TG), FakeAdapter(DC)
    settings = make_settings(database_url, roles={"moderators": ["telegram:maria"]})
    app = await build_app(settings, clock, {TG: telegram, DC: discord}, migrate=False)
    yield Chat(app, clock, telegram, discord)
    await app.close()


async def next_day(chat: Chat, times: int = 1) -> None:
    for _ in range(times):
        chat.clock.advance(timedelta(days=1))
        await chat.app.tick()


async def changes(chat: Chat, user: str) -> list[tuple[str | None, str, int]]:
    """(from, to, days after the start) of one member's recorded changes, in order."""
    async with chat.app.services.database.session() as session:
        member_id = await session.scalar(
            select(Identity.member_id).where(Identity.platform_user_id == user)
        )
        rows = await session.scalars(
            select(StageChange).where(StageChange.member_id == member_id).order_by(StageChange.id)
        )
        start = START.replace(hour=0)
        return [(r.from_stage, r.to_stage, (r.at - start).days) for r in rows]


async def test_a_member_moves_through_every_stage_and_each_change_is_recorded_once(
    chat: Chat,
) -> None:
    await chat.joins(TG, "ada", GROUP)
    await chat.joins(TG, "bob", GROUP)
    await chat.say(TG, "ada", "hello everyone", place=GROUP)
    await chat.say(TG, "bob", "hi", place=GROUP)
    await next_day(chat)
    await chat.say(TG, "ada", "/settings timezone Europe/Berlin")
    for _ in range(27):
        await chat.say(TG, "ada", "what a day", place=GROUP)
        await next_day(chat)
    await next_day(chat, 33)
    await chat.say(TG, "ada", "I'm back!", place=GROUP)
    await next_day(chat, 35)
    await chat.app.tick()  # the same day again: nothing new to record

    assert await changes(chat, "ada") == [
        (None, "new", 1),
        ("new", "activated", 2),
        ("activated", "engaged", 4),
        ("engaged", "at-risk", 37),
        ("at-risk", "lapsed", 58),
        ("lapsed", "won-back", 62),
        ("won-back", "lapsed", 92),
    ]
    assert await changes(chat, "bob") == [
        (None, "new", 1),
        ("new", "at-risk", 15),
        ("at-risk", "lapsed", 31),
        ("lapsed", "churned", 91),
    ]


async def test_member_shows_a_moderator_where_someone_stands(chat: Chat) -> None:
    await chat.joins(TG, "ada", GROUP)
    await chat.say(TG, "ada", "hello everyone", place=GROUP)
    await chat.say(TG, "ada", "/settings")
    await next_day(chat, 2)
    (shown,) = await chat.say(TG, "maria", "/member ada", place=GROUP)
    text = plain(shown.text)
    assert text.startswith("Ada\n")
    assert "Stage: new since 2026-11-24" in text
    assert "Last seen: 2026-11-23 09:00 UTC, last used: accounts" in text
    assert "Reputation: 1 point" in text
    assert "Tickets: 0, 0 open" in text
    assert "Events: going to 0, attended 0" in text
    assert "Unasked DMs: allowed, on Telegram" in text


async def test_member_is_refused_to_a_member(chat: Chat) -> None:
    await chat.say(TG, "ada", "hello everyone", place=GROUP)
    (refused,) = await chat.say(TG, "bob", "/member ada", place=GROUP)
    assert "Ada" not in refused.text and "Stage" not in refused.text
    assert "moderator" in plain(refused.text).lower() or "can't" in plain(refused.text).lower()
