"""The points ledger as members and staff see it: history, gifts, moderators' changes, a
founder's reset, and one balance for accounts linked across platforms."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import func, select

from core.events import Place, PlaceKind, Visibility
from core.features.reputation.models import RepEntry, RepRollup
from core.features.reputation.settings import ReputationSettings
from core.markup import plain
from tests.unit.chat import DC, TG, Chat, code_in

TG_GROUP = Place(TG, "-100", PlaceKind.GROUP)
DC_CHANNEL = Place(DC, "general", PlaceKind.CHANNEL, guild_id="guild")


async def _history(chat: Chat, user: str, name: str = "") -> str:
    (shown,) = await chat.say(TG, user, f"/rep history {name}".strip())
    assert shown.visibility is Visibility.PRIVATE
    return plain(shown.text)


async def _regular(chat: Chat, user: str, place: Place = TG_GROUP) -> None:
    """Ten distinct messages a minute apart, then four days: old and active enough to give."""
    for n in range(10):
        await chat.say(
            place.platform, user, f"{user} says thing number {'abcdefghij'[n] * 3}", place=place
        )
        chat.clock.advance(timedelta(minutes=1))
    chat.clock.advance(timedelta(days=4))


async def test_messages_and_thanks_show_in_history_with_their_reasons_in_both_languages(
    chat: Chat,
) -> None:
    await _regular(chat, "bob")
    await chat.say(TG, "ada", "Settings, then Security, then Reset password.", place=TG_GROUP)
    await chat.say(TG, "bob", "thanks, that worked!", place=TG_GROUP, reply_to="ada")

    history = await _history(chat, "ada")
    assert "Ada: 11 points" in history
    assert "+10 thanked (from Bob)" in history
    assert "+1 took part in the conversation" in history

    await chat.say(TG, "ada", "/language zh-cn")
    chinese = await _history(chat, "ada")
    assert "Ada：11 积分" in chinese and "+10 收到感谢（来自 Bob）" in chinese


async def test_a_gift_counts_once_a_day_and_never_to_yourself(chat: Chat) -> None:
    await _regular(chat, "bob")
    await chat.say(TG, "ada", "hello there", place=TG_GROUP)

    (given,) = await chat.say(TG, "bob", "/rep give ada for the walkthrough")
    assert "Ada got 10 points" in plain(given.text)
    (again,) = await chat.say(TG, "bob", "/rep give ada once more")
    assert "already thanked Ada" in again.text and again.visibility is Visibility.PRIVATE
    (own,) = await chat.say(TG, "bob", "/rep give bob")
    assert "not yourself" in own.text
    assert "+10 given points (from Bob): for the walkthrough" in await _history(chat, "ada")

    chat.clock.advance(timedelta(hours=25))
    (next_day,) = await chat.say(TG, "bob", "/rep give ada")
    assert "Ada got 10 points" in plain(next_day.text)


async def test_a_newcomer_thanks_but_gives_no_points(chat: Chat) -> None:
    await chat.say(TG, "ada", "hello there", place=TG_GROUP)
    (given,) = await chat.say(TG, "cleo", "/rep give ada")
    assert "once you have been around for 3 days" in plain(given.text)
    assert "Ada: 1 point" in await _history(chat, "ada")


async def test_moderators_add_and_remove_with_a_reason_and_members_cannot(chat: Chat) -> None:
    await chat.say(TG, "ada", "hello there", place=TG_GROUP)
    chat.app.services.settings.roles.moderators.append("telegram:maria")
    (refused,) = await chat.say(TG, "ada", "/rep add ada 100 because I can")
    assert "Ada: 1 point" in await _history(chat, "ada")
    assert refused.visibility is Visibility.PRIVATE

    (added,) = await chat.say(TG, "maria", "/rep add ada 20 organised the meetup")
    assert "+20 for Ada; their balance is now 21" in plain(added.text)
    (removed,) = await chat.say(TG, "maria", "/rep remove ada 5 duplicate post")
    assert "-5 for Ada; their balance is now 16" in plain(removed.text)
    history = await _history(chat, "ada")
    assert "-5 adjusted by hand (by Maria): duplicate post" in history
    assert "+20 adjusted by hand (by Maria): organised the meetup" in history
    (unknown,) = await chat.say(TG, "maria", "/rep add nobody 5 hello")
    assert 'anyone called "nobody"' in unknown.text


async def test_a_founder_resets_only_after_confirming(chat: Chat) -> None:
    await chat.say(TG, "ada", "hello there", place=TG_GROUP)
    chat.app.services.settings.roles.moderators.append("telegram:maria")
    chat.app.services.settings.roles.founders.append("telegram:fred")
    await chat.say(TG, "maria", "/rep add ada 40 meetup")
    (refused,) = await chat.say(TG, "maria", "/rep reset ada")
    assert not refused.buttons
    assert "41 points" in await _history(chat, "ada")

    (ask,) = await chat.say(TG, "fred", "/rep reset ada")
    assert "Reset Ada's 41 points to 0?" in plain(ask.text)
    (button,) = ask.buttons
    await chat.press(TG, "maria", button.data)
    assert "41 points" in await _history(chat, "ada")
    (done,) = await chat.press(TG, "fred", button.data)
    assert "Ada is back to 0 (-41)" in plain(done.text)
    history = await _history(chat, "ada")
    assert "Ada: 0 points" in history and "-41 reset to zero (by Fred)" in history


async def test_linked_accounts_share_one_balance_and_unlinking_keeps_it_with_the_person(
    chat: Chat,
) -> None:
    await chat.say(TG, "ada", "hello from telegram", place=TG_GROUP)
    chat.clock.advance(timedelta(minutes=5))
    await chat.say(DC, "ada", "hello from discord", place=DC_CHANNEL)
    code = await chat.code(TG, "ada")
    (done,) = await chat.say(DC, "ada", f"/link {code_in(code)}")
    assert done.text.startswith("Done"), done.text

    history = await _history(chat, "ada")
    assert "Ada: 2 points" in history
    async with chat.app.services.database.session() as session:
        everywhere = await session.scalars(
            select(RepRollup.points).where(RepRollup.scope == "", RepRollup.period == "all")
        )
        assert list(everywhere) == [2], "one leaderboard row, the two accounts' points added"

    await chat.say(TG, "ada", "/unlink discord")
    assert "Ada: 2 points" in await _history(chat, "ada")
    (discord_alone,) = await chat.say(DC, "ada", "/rep history")
    assert "0 points" in plain(discord_alone.text)
    async with chat.app.services.database.session() as session:
        assert await session.scalar(select(func.count(RepEntry.id))) == 2


async def test_nothing_is_earned_in_dms_or_ignored_places(chat: Chat) -> None:
    chat.app.services.settings.section(ReputationSettings).ignore_places.append("telegram:-100")
    await chat.say(TG, "ada", "hello in a dm")
    await chat.say(TG, "ada", "hello in an ignored group", place=TG_GROUP)
    assert "Ada: 0 points" in await _history(chat, "ada")


async def test_a_thanks_reaction_earns_and_taking_it_back_removes_the_points(chat: Chat) -> None:
    await _regular(chat, "bob")
    await chat.say(TG, "ada", "Settings, then Security, then Reset password.", place=TG_GROUP)
    await chat.react(TG, "bob", "ada", "😂", TG_GROUP)
    assert "Ada: 1 point" in await _history(chat, "ada")
    await chat.react(TG, "bob", "ada", "🙏", TG_GROUP)
    assert "+10 thanked with a reaction (from Bob)" in await _history(chat, "ada")

    await chat.react(TG, "bob", "ada", "🙏", TG_GROUP, removed=True)
    history = await _history(chat, "ada")
    assert "Ada: 1 point" in history and "-10 reaction taken back (from Bob)" in history
    await chat.react(TG, "bob", "ada", "🙏", TG_GROUP, removed=True)
    assert "Ada: 1 point" in await _history(chat, "ada")


async def test_shipped_feedback_earns_its_submitter_20_points_once(chat: Chat) -> None:
    chat.app.services.settings.roles.moderators.append("telegram:maria")
    await chat.say(TG, "ada", "/feedback feature Dark mode | easier on the eyes at night")
    await chat.say(TG, "maria", "/feedback status 1 completed")
    history = await _history(chat, "ada")
    assert "Ada: 20 points" in history and "+20 idea shipped" in history


async def test_telegrams_heart_without_its_variation_selector_thanks_too(chat: Chat) -> None:
    await _regular(chat, "bob")
    await chat.say(TG, "ada", "Settings, then Security, then Reset password.", place=TG_GROUP)
    await chat.react(TG, "bob", "ada", "❤", TG_GROUP)
    assert "+10 thanked with a reaction (from Bob)" in await _history(chat, "ada")
