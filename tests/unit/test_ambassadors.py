"""The ambassador programme on a moved clock: a member passes 1,000 points, is a candidate,
reaches staff once a week, is invited, accepts (badge, since-date, Discord role) and, quiet
for 30 days, is named in the monthly note; a member cannot run it; declining and pressing
twice change nothing more."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import timedelta

import pytest_asyncio
from sqlalchemy import select

from bot.app import build_app
from core.clock import ManualClock
from core.events import OutgoingMessage, Place, PlaceKind, RoleChange, Visibility
from core.features.badges.service import BadgesService
from core.markup import plain
from core.outbox import OutboxMessage
from tests.conftest import make_settings
from tests.fakes.fake_adapter import FakeAdapter
from tests.unit.chat import DC, TG, Chat

STAFF = "-1009"
GROUP = Place(TG, "-100", PlaceKind.GROUP)
ROLE = "5550001"


@pytest_asyncio.fixture
async def chat(database_url: str, clock: ManualClock) -> AsyncIterator[Chat]:
    telegram, discord = FakeAdapter(TG), FakeAdapter(DC)
    settings = make_settings(
        database_url,
        roles={"moderators": ["telegram:maria", "discord:maria"]},
        tickets={"staff_places": [f"telegram:{STAFF}"]},
        ambassadors={
            "perks": {"en": ["Early access to releases"], "zh-CN": ["抢先体验新版本"]},
            "discord_role_id": ROLE,
        },
    )
    app = await build_app(settings, clock, {TG: telegram, DC: discord}, migrate=False)
    yield Chat(app, clock, telegram, discord)
    await app.close()


async def _staff_posts(chat: Chat) -> list[OutgoingMessage]:
    await chat.app.tick()
    return [m for m in chat.telegram.sent if m.chat_id == STAFF]


async def _dm(chat: Chat, platform_sent: list[OutgoingMessage], user: str) -> OutgoingMessage:
    await chat.app.dispatcher.dispatch_due()
    (found,) = [m for m in platform_sent if m.user_id == user and m.key == "ambassadors/invitation"]
    return found


async def _to_thousand(chat: Chat, user: str, place: Place = GROUP) -> None:
    platform = place.platform
    await chat.say(platform, user, "hello everyone, happy to help", place=place)
    await chat.say(platform, "maria", f"/rep add {user} 995 ran the community meetup")
    for n in range(5):
        chat.clock.advance(timedelta(minutes=2))
        await chat.say(platform, user, f"answer number {'abcde'[n] * 4} for you", place=place)


async def test_a_member_past_1000_points_is_invited_accepts_and_is_noted_when_quiet(
    chat: Chat,
) -> None:
    await _to_thousand(chat, "ada")
    await chat.say(TG, "bob", "just passing by", place=GROUP)

    (listed,) = await chat.say(TG, "maria", "/ambassador candidates")
    text = plain(listed.text)
    assert "1. Ada" in text and "Bob" not in text
    assert "all time: 1001" in text and "weeks active: 1" in text

    weekly = await _staff_posts(chat)
    assert [m.key for m in weekly] == ["ambassadors/candidates"]
    assert "This week's ambassador candidates" in weekly[0].text and "Ada" in weekly[0].text
    chat.clock.advance(timedelta(hours=3))
    assert len(await _staff_posts(chat)) == 1, "once a week, however often the sweep runs"

    (sent,) = await chat.say(TG, "maria", "/ambassador invite ada")
    assert "Invitation sent to Ada" in plain(sent.text)
    invitation = await _dm(chat, chat.telegram.sent, "ada")
    assert "Early access to releases" in invitation.text
    accept, decline = invitation.buttons
    (welcome,) = await chat.press(TG, "ada", accept.data)
    assert "Welcome, ambassador" in welcome.text and "2026" in welcome.text
    (again,) = await chat.press(TG, "ada", accept.data)
    assert "already an ambassador" in again.text
    (late,) = await chat.press(TG, "ada", decline.data)
    assert "already an ambassador" in late.text

    app = chat.app
    async with app.services.database.session() as session:
        ada = await app.services.get(BadgesService).earned(session, 1)
        roles = (
            await session.scalars(
                select(OutboxMessage).where(
                    OutboxMessage.idempotency_key.like("ambassadors:role:%")
                )
            )
        ).all()
    assert [e.badge.id for e in ada] == ["ambassador"]
    assert len(roles) <= 1, "a role change at most once (ada has no Discord account here)"

    (members,) = await chat.say(TG, "maria", "/ambassador list")
    assert "Ada since 2026-" in plain(members.text)
    (none,) = await chat.say(TG, "maria", "/ambassador candidates")
    assert "Ada" not in plain(none.text), "an ambassador is no longer a candidate"

    chat.clock.advance(timedelta(days=31))
    await chat.say(TG, "maria", "/ambassador list")
    notes = [m for m in await _staff_posts(chat) if m.key == "ambassadors/inactive"]
    assert len(notes) == 1 and "Ada" in notes[0].text and "30 days" in notes[0].text
    chat.clock.advance(timedelta(days=2))
    notes = [m for m in await _staff_posts(chat) if m.key == "ambassadors/inactive"]
    assert len(notes) == 1, "once a month"

    (gone,) = await chat.say(TG, "maria", "/ambassador remove ada")
    assert "no longer an ambassador" in plain(gone.text)
    async with app.services.database.session() as session:
        assert await app.services.get(BadgesService).earned(session, 1) == []


async def test_members_cannot_run_the_programme_and_a_decline_is_kept(chat: Chat) -> None:
    await _to_thousand(chat, "ada")
    for command in ("candidates", "invite ada", "list", "remove ada"):
        (refused,) = await chat.say(TG, "bob", f"/ambassador {command}")
        assert refused.visibility is Visibility.PRIVATE
        assert "Only moderators can use /ambassador" in plain(refused.text)

    await chat.say(TG, "maria", "/ambassador invite ada")
    invitation = await _dm(chat, chat.telegram.sent, "ada")
    accept, decline = invitation.buttons
    (stranger,) = await chat.press(TG, "bob", accept.data)
    assert "for someone else" in stranger.text
    (declined,) = await chat.press(TG, "ada", decline.data)
    assert "No problem" in declined.text
    (twice,) = await chat.press(TG, "ada", decline.data)
    assert "already declined" in twice.text
    (after,) = await chat.press(TG, "ada", accept.data)
    assert "already declined" in after.text
    (listed,) = await chat.say(TG, "maria", "/ambassador list")
    assert "No ambassadors yet" in plain(listed.text)


async def test_the_invitation_and_answers_are_in_chinese(chat: Chat) -> None:
    await _to_thousand(chat, "ada")
    await chat.say(TG, "ada", "/language zh-cn")
    await chat.say(TG, "maria", "/ambassador invite ada")
    invitation = await _dm(chat, chat.telegram.sent, "ada")
    assert "抢先体验新版本" in invitation.text and "大使" in invitation.text
    accept, _ = invitation.buttons
    assert accept.label == "✅ 接受"
    (welcome,) = await chat.press(TG, "ada", accept.data)
    assert "大使" in welcome.text


async def test_on_discord_accepting_gives_the_role_once_and_removal_takes_it(chat: Chat) -> None:
    channel = Place(DC, "general", PlaceKind.CHANNEL, guild_id="guild")
    await _to_thousand(chat, "dana", channel)
    await chat.say(DC, "maria", "/ambassador invite dana")
    invitation = await _dm(chat, chat.discord.sent, "dana")
    accept, _ = invitation.buttons
    await chat.press(DC, "dana", accept.data)
    await chat.press(DC, "dana", accept.data)
    await chat.app.dispatcher.dispatch_due()
    changes = [m.roles for m in chat.discord.sent if m.roles is not None]
    assert changes == [RoleChange("dana", add=(ROLE,))]

    await chat.say(DC, "maria", "/ambassador remove dana")
    await chat.app.dispatcher.dispatch_due()
    changes = [m.roles for m in chat.discord.sent if m.roles is not None]
    assert changes[1:] == [RoleChange("dana", remove=(ROLE,))]
