"""One person on two platforms: /link, /unlink and /settings."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from core.activity import ActivityEvent
from core.events import Reply, Visibility
from core.features.accounts.models import LinkCode, LinkFailure
from core.features.faq.models import AnswerLog
from core.members.models import Identity, Member
from tests.unit.chat import DC, TG, Chat, code_in

QUESTION = "how do I link my telegram account?"


async def _members(chat: Chat) -> dict[str, int]:
    """``platform:user`` → member id."""
    async with chat.app.services.database.session() as session:
        rows = await session.scalars(select(Identity))
        return {f"{i.platform}:{i.platform_user_id}": i.member_id for i in rows}


async def _linked(chat: Chat, user: str = "alice") -> None:
    code = await chat.code(TG, user)
    (done,) = await chat.say(DC, user, f"/link {code}")
    assert done.text.startswith("Done"), done.text


async def test_link_makes_one_member_with_both_histories_and_tells_the_other_account(
    chat: Chat,
) -> None:
    await chat.say(TG, "alice", QUESTION)
    chat.clock.advance(timedelta(minutes=1))
    await chat.say(DC, "alice", QUESTION)
    await chat.say(DC, "alice", "/language zh-cn")
    before = await _members(chat)
    assert before["telegram:alice"] != before["discord:alice"]

    (offer,) = await chat.say(TG, "alice", "/link")
    assert offer.visibility is Visibility.PRIVATE
    assert "10 minutes" in offer.text and "Discord" in offer.text
    code = code_in(offer.text)
    chat.clock.advance(timedelta(minutes=9))
    (done,) = await chat.say(DC, "alice", f"/link {code.lower()}")

    assert done.visibility is Visibility.PRIVATE
    assert "Telegram" in done.text and "Discord" in done.text
    after = await _members(chat)
    older = before["telegram:alice"]
    assert after == {"telegram:alice": older, "discord:alice": older}
    async with chat.app.services.database.session() as session:
        logs = list(await session.scalars(select(AnswerLog.member_id)))
        member = await session.get_one(Member, older)
        assert await session.get(Member, before["discord:alice"]) is None
    assert logs == [older, older], "both platforms' questions stay with the person"
    assert member.locale == "zh-CN", "the older member had no language set, so the newer's wins"

    await chat.app.dispatcher.dispatch_due()
    (notice,) = chat.telegram.sent
    assert notice.user_id == "alice" and "Discord" in notice.text
    assert "/unlink discord" in notice.text
    assert chat.discord.sent == []
    await chat.app.services.activity.flush()
    async with chat.app.services.database.session() as session:
        assert set(await session.scalars(select(ActivityEvent.member_id))) == {older}


async def test_dms_go_to_the_platform_chosen_in_settings(chat: Chat) -> None:
    await _linked(chat)
    await chat.app.dispatcher.dispatch_due()
    chat.telegram.sent.clear()

    (shown,) = await chat.say(TG, "alice", "/settings")
    data = [b.data for b in shown.buttons]
    assert data == ["accounts.dm:telegram", "accounts.dm:discord", "accounts.dms:off"]
    assert "on Telegram" in shown.text
    (changed,) = await chat.press(TG, "alice", "accounts.dm:discord")
    assert "on Discord" in changed.text

    member_id = (await _members(chat))["telegram:alice"]
    async with chat.app.services.database.session() as session:
        await chat.app.services.notifier.to_member(
            session, member_id, Reply("general/start", {"name": "Alice"}), "test:dm"
        )
        await session.commit()
    await chat.app.dispatcher.dispatch_due()
    assert [m.user_id for m in chat.discord.sent] == ["alice"]
    assert chat.telegram.sent == []


async def test_settings_buttons_can_be_pressed_twice(chat: Chat) -> None:
    (shown,) = await chat.say(TG, "bob", "/settings")
    assert [b.data for b in shown.buttons] == ["accounts.dms:off"], "one account: no choice"
    first = await chat.press(TG, "bob", "accounts.dms:off")
    second = await chat.press(TG, "bob", "accounts.dms:off")
    assert [m.text for m in first] == [m.text for m in second]
    assert "news, reminders): off" in first[0].text
    assert [b.data for b in first[0].buttons] == ["accounts.dms:on"]
    member_id = (await _members(chat))["telegram:bob"]
    async with chat.app.services.database.session() as session:
        news = Reply("general/start", {"name": "Bob"})
        assert not await chat.app.services.notifier.to_member(
            session, member_id, news, "test:news", unsolicited=True
        )
    (back_on,) = await chat.press(TG, "bob", "accounts.dms:on")
    assert "news, reminders): on" in back_on.text


async def test_choosing_a_platform_without_an_account_there_changes_nothing(chat: Chat) -> None:
    (refused,) = await chat.press(TG, "bob", "accounts.dm:discord")
    assert "can't reach you there" in refused.text
    assert "on Telegram" in refused.text


async def test_wrong_codes_are_counted_and_then_refused_for_a_while(chat: Chat) -> None:
    code = await chat.code(TG, "alice")
    for _ in range(5):
        (wrong,) = await chat.say(DC, "mallory", "/link AAAA-BBBB")
        assert "not a code I know" in wrong.text
    (blocked,) = await chat.say(DC, "mallory", f"/link {code}")
    assert "wait 10 minutes" in blocked.text
    members = await _members(chat)
    assert members["discord:mallory"] != members["telegram:alice"]
    chat.clock.advance(timedelta(minutes=4))
    (still,) = await chat.say(DC, "alice", f"/link {code}")
    assert still.text.startswith("Done"), "another account is not slowed down"


async def test_a_code_works_once(chat: Chat) -> None:
    code = await chat.code(TG, "alice")
    (done,) = await chat.say(DC, "alice", f"/link {code}")
    assert done.text.startswith("Done")
    (again,) = await chat.say(DC, "bob", f"/link {code}")
    assert "already used" in again.text
    fresh = await chat.code(TG, "alice")
    (linked,) = await chat.say(DC, "alice", f"/link {fresh}")
    assert "already linked" in linked.text


async def test_a_new_code_replaces_the_previous_one(chat: Chat) -> None:
    first = await chat.code(TG, "alice")
    second = await chat.code(TG, "alice")
    (old,) = await chat.say(DC, "alice", f"/link {first}")
    assert "not a code I know" in old.text
    (done,) = await chat.say(DC, "alice", f"/link {second}")
    assert done.text.startswith("Done")


async def test_a_code_is_refused_on_its_own_account_and_platform(chat: Chat) -> None:
    code = await chat.code(TG, "alice")
    (own,) = await chat.say(TG, "alice", f"/link {code}")
    assert "other platform, not here" in own.text
    (same_platform,) = await chat.say(TG, "bob", f"/link {code}")
    assert "both already have a Telegram account" in same_platform.text
    (done,) = await chat.say(DC, "alice", f"/link {code}")
    assert done.text.startswith("Done"), "refusals do not use the code up"


async def test_unlink_detaches_an_account_and_keeps_the_history(chat: Chat) -> None:
    await chat.say(TG, "alice", QUESTION)
    await _linked(chat)
    kept = (await _members(chat))["discord:alice"]
    await chat.press(DC, "alice", "accounts.dm:telegram")

    (done,) = await chat.say(DC, "alice", "/unlink telegram")
    assert "Telegram account is on its own again" in done.text
    members = await _members(chat)
    assert members["discord:alice"] == kept and members["telegram:alice"] != kept
    async with chat.app.services.database.session() as session:
        assert list(await session.scalars(select(AnswerLog.member_id))) == [kept]
        remaining = await session.get_one(Member, kept)
    assert remaining.dm_platform is None, "DMs no longer go to the detached account"

    (only,) = await chat.say(DC, "alice", "/unlink discord")
    assert "your only account" in only.text
    (none,) = await chat.say(DC, "alice", "/unlink telegram")
    assert "no Telegram account linked" in none.text


async def test_spent_codes_and_old_wrong_guesses_are_cleared_away(chat: Chat) -> None:
    await chat.code(TG, "alice")
    await chat.say(DC, "mallory", "/link AAAA-BBBB")
    chat.clock.advance(timedelta(days=2))
    await chat.app.tick()
    async with chat.app.services.database.session() as session:
        assert list(await session.scalars(select(LinkCode))) == []
        assert list(await session.scalars(select(LinkFailure))) == []
