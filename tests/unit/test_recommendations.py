"""Recommendations: item-based collaborative filtering over what members did, popular items
for those with too little history, and nothing they already chose; the service's picks are
things a member can act on now, and a newcomer's welcome names the popular ones."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import timedelta

import pytest_asyncio
from sqlalchemy import select

from core.events import Place, PlaceKind
from core.features.faq.models import AnswerLog
from core.features.feedback.models import FeedbackItem, FeedbackVote
from core.features.recommendations.model import fit, hit_rate
from core.features.recommendations.service import RecommendationsService
from core.markup import plain
from core.members.models import Member
from tests.tastes import community
from tests.unit.chat import TG, Chat

A, B, C, D = ("event", "1"), ("event", "2"), ("faq", "x"), ("feedback", "9")


def test_what_those_who_chose_the_same_also_chose_comes_first() -> None:
    model = fit(
        [
            (1, A),
            (1, B),
            (2, A),
            (2, B),
            (3, A),
            (3, B),
            (4, C),
            (4, D),
            (5, C),
            (5, D),
            (6, C),
            (6, D),
            (7, A),
            (7, C),
        ]
    )
    assert model.recommend(7, 2) == [B, D]
    assert model.recommend(1, 5)[:1] == [C] and A not in model.recommend(1, 5)


def test_a_member_with_too_little_history_gets_the_most_popular() -> None:
    model = fit([(1, A), (2, A), (3, A), (1, B), (2, B), (3, C)])
    assert model.recommend(99, 2) == [A, B]
    assert model.recommend(3, 2, min_history=3) == [B]
    assert model.recommend(99, 3, allowed={B, C}) == [B, C]
    assert fit([]).recommend(1, 3) == []


def test_on_planted_tastes_it_beats_the_popularity_baseline() -> None:
    histories = community(600, seed=3)
    assert hit_rate(histories, 5) > hit_rate(histories, 5, popular_only=True) + 0.02


@pytest_asyncio.fixture
async def seeded(chat: Chat) -> AsyncIterator[Chat]:
    """Eleven members: those who back "Dark mode" also back "Themes" and rate the same
    answer 👍; one who backed dark mode alone; one newcomer."""
    for user in ("ann", "ben", "cy", "dee", "eve", "fay", "gus", "hal", "ivy", "jo", "kim"):
        await chat.say(chat.telegram.platform, user, "/help")
    now = chat.clock.now()
    async with chat.app.services.database.session() as session:
        ids = {m.display_name: m.id for m in await session.scalars(select(Member))}
        items = {}
        for title in ("Dark mode", "Themes", "Export to CSV"):
            item = FeedbackItem(
                member_id=None,
                category="idea",
                title=title,
                description=title,
                locale="en",
                status="new",
                created_at=now - timedelta(days=30),
                updated_at=now,
            )
            session.add(item)
            await session.flush()
            items[title] = item.id
        backers = {
            "Dark mode": ("Ann", "Ben", "Cy", "Dee", "Jo"),
            "Themes": ("Ann", "Ben", "Cy", "Dee"),
            "Export to CSV": ("Eve", "Fay", "Gus", "Hal", "Ivy"),
        }
        for title, names in backers.items():
            for name in names:
                session.add(FeedbackVote(item_id=items[title], member_id=ids[name], created_at=now))
        for name in ("Eve", "Fay", "Gus", "Hal", "Ivy", "Jo"):
            session.add(
                AnswerLog(
                    member_id=ids[name],
                    question="how do I export?",
                    locale="en",
                    entry_id="export-data",
                    score=0.9,
                    answered=True,
                    platform="telegram",
                    asked_at=now - timedelta(days=2),
                    suggestions=[],
                    vote="up",
                )
            )
        await session.commit()
    yield chat


async def test_the_service_recommends_what_members_alike_chose(seeded: Chat) -> None:
    service = seeded.app.services.get(RecommendationsService)
    async with seeded.app.services.database.session() as session:
        ids = {m.display_name: m.id for m in await session.scalars(select(Member))}
        jo = await service.for_member(session, ids["Jo"], 2)
        newcomer = await service.for_member(session, ids["Kim"], 2)
    assert sorted(r.title for r in jo) == ["Export to CSV", "Themes"]
    assert all(r.kind == "feedback" for r in jo)
    assert {r.title for r in newcomer} == {"Dark mode", "Export to CSV"}


async def test_a_newcomer_s_welcome_names_what_is_popular(seeded: Chat) -> None:
    group = Place(TG, "-100", PlaceKind.GROUP)
    await seeded.joins(TG, "lee", group)
    await seeded.joins(TG, "wei", group, locale="zh-CN")
    await seeded.app.dispatcher.dispatch_due()
    english, chinese = (m for m in seeded.telegram.sent if m.key == "lifecycle/welcome")
    text = plain(english.text)
    assert "You might like:" in text
    assert "💡 Dark mode" in text and "💡 Export to CSV" in text
    assert "你可能会喜欢：" in plain(chinese.text)


async def test_a_nudge_names_what_members_alike_went_on_to(seeded: Chat) -> None:
    """Lee joins, backs dark mode and likes the export answer: on day one the nudge offers
    what members who did the same chose."""
    await seeded.joins(TG, "lee", Place(TG, "-100", PlaceKind.GROUP))
    await seeded.say(TG, "lee", "/help")
    now = seeded.clock.now()
    async with seeded.app.services.database.session() as session:
        lee = await session.scalar(select(Member.id).where(Member.display_name == "Lee"))
        dark = await session.scalar(
            select(FeedbackItem.id).where(FeedbackItem.title == "Dark mode")
        )
        assert lee is not None and dark is not None
        session.add(FeedbackVote(item_id=dark, member_id=lee, created_at=now))
        session.add(
            AnswerLog(
                member_id=lee,
                question="export?",
                locale="en",
                entry_id="export-data",
                score=0.9,
                answered=True,
                platform="telegram",
                asked_at=now,
                suggestions=[],
                vote="up",
            )
        )
        await session.commit()
    seeded.clock.advance(timedelta(days=1, hours=2))
    await seeded.app.tick()
    await seeded.app.dispatcher.dispatch_due()
    (nudge,) = (m for m in seeded.telegram.sent if m.key == "lifecycle/nudge")
    text = plain(nudge.text)
    assert "You might like:" in text and "💡 Themes" in text and "💡 Export to CSV" in text
    assert "💡 Dark mode" not in text
