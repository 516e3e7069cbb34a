"""/leaderboard and /rank on the rollup: ten a page, the asker always placed, this server's
points in a group and everyone's in a DM, the tier's name in the reader's language."""

from __future__ import annotations

import io
from datetime import timedelta

import pytest
from PIL import Image
from pydantic import ValidationError
from sqlalchemy import select

from core.events import Place, PlaceKind
from core.features.badges.service import BadgesService
from core.features.reputation import ledger, rank_card
from core.features.reputation.settings import ReputationSettings
from core.markup import plain
from core.members.models import Identity
from tests.unit.chat import DC, Chat

GROUP = Place(DC, "general", PlaceKind.CHANNEL, guild_id="g1")
OTHER_SERVER = Place(DC, "elsewhere", PlaceKind.CHANNEL, guild_id="g2")


async def _give(chat: Chat, user: str, points: int, scope: str, days_ago: int = 0) -> None:
    async with chat.app.services.database.session() as session:
        member_id = await session.scalar(
            select(Identity.member_id).where(Identity.platform_user_id == user)
        )
        assert member_id is not None
        at = chat.clock.now() - timedelta(days=days_ago)
        await ledger.credit(session, ledger.Credit(member_id, points, "moderator", at, scope=scope))
        await session.commit()


async def _crowd(chat: Chat, count: int) -> None:
    for n in range(count):
        await chat.say(DC, f"m{n:02}", "hi", place=GROUP)
        await _give(chat, f"m{n:02}", 100 + n, "discord:g1")


async def test_a_page_shows_ten_and_the_asker_below_them(chat: Chat) -> None:
    await _crowd(chat, 25)
    await chat.say(DC, "zed", "hi", place=GROUP)
    await _give(chat, "zed", 5, "discord:g1")
    (board,) = await chat.say(DC, "zed", "/leaderboard", place=GROUP)
    lines = plain(board.text).splitlines()
    assert lines[0] == "🏆 Most helpful of all time · page 1 of 3"
    ranked = [line for line in lines if line[:1].isdigit()]
    assert len(ranked) == 10
    assert ranked[0] == "1. M24: 124 points"
    assert lines[-1] == "You: #26 with 5 points"
    (third,) = await chat.say(DC, "zed", "/leaderboard all 3", place=GROUP)
    assert "26. Zed: 5 points" in plain(third.text)


async def test_a_server_board_counts_its_own_points_and_a_dm_counts_everyone(chat: Chat) -> None:
    for user in ("ada", "bob"):
        await chat.say(DC, user, "hi", place=GROUP)
    await _give(chat, "ada", 30, "discord:g1")
    await _give(chat, "bob", 50, "discord:g2")
    (here,) = await chat.say(DC, "ada", "/leaderboard", place=GROUP)
    assert "Bob" not in plain(here.text)
    (everywhere,) = await chat.say(DC, "ada", "/leaderboard")
    text = plain(everywhere.text)
    assert "(everywhere)" in text
    assert text.index("1. Bob: 50 points") < text.index("2. Ada: 30 points")


async def test_the_week_board_leaves_out_last_weeks_points(chat: Chat) -> None:
    for user in ("ada", "bob"):
        await chat.say(DC, user, "hi", place=GROUP)
    await _give(chat, "ada", 300, "discord:g1", days_ago=10)
    await _give(chat, "bob", 20, "discord:g1")
    (week,) = await chat.say(DC, "ada", "/leaderboard week", place=GROUP)
    text = plain(week.text)
    assert "1. Bob: 20 points" in text and "Ada:" not in text.split("You")[0]
    assert "You have no points here yet." in text


async def test_rank_answers_with_a_png_card_and_the_same_facts_in_chinese(chat: Chat) -> None:
    await chat.say(DC, "ming", "你好", place=GROUP, locale="zh-CN")
    await _give(chat, "ming", 300, "discord:g1")
    (card,) = await chat.say(DC, "ming", "/rank", place=GROUP, locale="zh-CN")
    (image,) = card.attachments
    assert image.mime_type == "image/png" and image.content.startswith(b"\x89PNG")
    assert "贡献者" in card.text and "300 积分" in card.text and "距离核心成员" in card.text


def test_tiers_must_start_at_zero_and_climb() -> None:
    with pytest.raises(ValidationError, match="first tier starts at min_reputation = 0"):
        ReputationSettings(tiers=[{"name": {"en": "Member"}, "min_reputation": 50}])
    with pytest.raises(ValidationError, match="higher min_reputation"):
        ReputationSettings(
            tiers=[
                {"name": {"en": "A"}, "min_reputation": 0},
                {"name": {"en": "B"}, "min_reputation": 0},
            ]
        )


def test_a_chinese_name_is_drawn_in_its_own_glyphs_on_the_card() -> None:
    """With a font lacking Chinese, both names would be the same row of boxes."""
    labels = {"points": "积分", "rank": "排名", "unranked": "暂无排名"}
    cards = [
        rank_card.render(rank_card.CardFacts(name, "贡献者", 300, 1, 9, 0.1, "300 / 1,000", labels))
        for name in ("王小明", "王小红")
    ]
    pictures = [Image.open(io.BytesIO(card)).convert("L") for card in cards]
    name_area = (215, 42, 700, 110)
    assert pictures[0].crop(name_area).tobytes() != pictures[1].crop(name_area).tobytes()
    assert pictures[0].size == (rank_card.WIDTH, rank_card.HEIGHT)


async def test_rank_shows_the_latest_badges(chat: Chat) -> None:
    await chat.say(DC, "ada", "hi", place=GROUP)
    await _give(chat, "ada", 60, "discord:g1")
    services = chat.app.services
    async with services.database.session() as session:
        ada = await session.scalar(
            select(Identity.member_id).where(Identity.platform_user_id == "ada")
        )
        assert ada is not None
        await services.get(BadgesService).award(session, ada, "ambassador", at=chat.clock.now())
        await session.commit()
    (card,) = await chat.say(DC, "ada", "/rank", place=GROUP)
    assert plain(card.text).endswith("· Ambassador")
