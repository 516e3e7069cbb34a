"""Newcomers are welcomed once, in their language, where they joined."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from core.activity import ActivityEvent
from core.events import Place, PlaceKind, Platform
from core.features.lifecycle.service import welcome_place
from core.features.lifecycle.settings import WelcomeSettings
from tests.unit.chat import DC, TG, Chat

GROUP = Place(TG, "-100123", PlaceKind.GROUP)


@pytest.mark.parametrize(
    ("language_code", "expected"),
    [("en-US", "Welcome, Grace!"), ("zh-hans", "欢迎你，Grace！")],
)
async def test_a_newcomer_is_welcomed_in_their_language(
    chat: Chat, language_code: str, expected: str
) -> None:
    assert await chat.joins(TG, "grace", GROUP, locale=language_code) == []
    await chat.app.dispatcher.dispatch_due()
    (welcome,) = chat.telegram.sent
    assert welcome.chat_id == GROUP.chat_id
    assert welcome.text.startswith(expected)
    assert "/help" in welcome.text and "/ask" in welcome.text


async def test_leaving_and_coming_back_is_not_welcomed_again(chat: Chat) -> None:
    await chat.joins(TG, "grace", GROUP)
    await chat.app.dispatcher.dispatch_due()
    assert await chat.leaves(TG, "grace", GROUP) == []
    chat.clock.advance(timedelta(hours=3))
    await chat.joins(TG, "grace", GROUP)
    await chat.app.dispatcher.dispatch_due()
    assert len(chat.telegram.sent) == 1
    await chat.app.services.activity.flush()
    async with chat.app.services.database.session() as session:
        kinds = list(await session.scalars(select(ActivityEvent.kind).order_by(ActivityEvent.id)))
    assert kinds == ["member_joined", "member_left", "member_joined"]


async def test_joining_another_group_is_welcomed_there_too(chat: Chat) -> None:
    await chat.joins(TG, "grace", GROUP)
    await chat.joins(TG, "grace", Place(TG, "-100456", PlaceKind.GROUP))
    await chat.app.dispatcher.dispatch_due()
    assert [m.chat_id for m in chat.telegram.sent] == ["-100123", "-100456"]


def test_a_configured_channel_wins_and_a_server_without_one_gets_nothing() -> None:
    server = Place(DC, "900", PlaceKind.CHANNEL, guild_id="900")
    configured = WelcomeSettings(discord_channel_id="901", telegram_chat_id="-100999")
    assert welcome_place(server, WelcomeSettings()) is None
    chosen = welcome_place(server, configured)
    assert chosen is not None and (chosen.chat_id, chosen.guild_id) == ("901", "900")
    in_group = welcome_place(GROUP, configured)
    assert in_group is not None and in_group.chat_id == "-100999"
    assert welcome_place(GROUP, WelcomeSettings(enabled=False)) is None
    assert welcome_place(GROUP, WelcomeSettings()) == GROUP
    console = Place(Platform.CONSOLE, "general", PlaceKind.CHANNEL, guild_id="console")
    assert welcome_place(console, configured) == console
