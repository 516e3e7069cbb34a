"""Badges on a real database: a member's figures, a badge given once however often its rule
is met, a taken badge not given back by its rule, a sweep after a rule changes, and linked
accounts sharing their badges."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import timedelta

import pytest_asyncio
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from core.clock import ManualClock
from core.db.engine import Database
from core.events import Actor, Platform
from core.features.accounts.merge import absorb
from core.features.badges import awarding
from core.features.badges.service import BadgesService
from core.features.reputation import earning, ledger
from core.members import service as members
from core.notifier import Notifier
from core.outbox import OutboxMessage
from core.render import Renderer
from tests.conftest import START, make_settings

CHATTY = {"id": "chatty", "emoji": "💬", "name": {"en": "Chatty"}, "rule": "messages >= 5"}
THANKED = {
    "id": "thanked",
    "emoji": "💐",
    "name": {"en": "Thanked"},
    "rule": "thanks_received >= 2 and reputation >= 20",
}


@dataclass
class World:
    session: AsyncSession
    database_url: str

    def service(self, *badges: dict[str, object]) -> BadgesService:
        settings = make_settings(self.database_url, badges=list(badges))  # type: ignore[arg-type]
        return BadgesService(settings, Notifier(settings, Renderer(), ManualClock(START)))

    async def member(self, name: str, *, days_old: float = 30, messages: int = 0) -> int:
        actor = Actor(Platform.TELEGRAM, name, name.title())
        member = await members.resolve(self.session, actor, START - timedelta(days=days_old))
        stats = await earning.stats_of(self.session, member.id)
        stats.messages = messages
        await self.session.flush()
        return member.id

    async def outbox_keys(self) -> list[str]:
        return list(
            await self.session.scalars(
                select(OutboxMessage.idempotency_key).order_by(OutboxMessage.id)
            )
        )


@pytest_asyncio.fixture
async def world(database_url: str) -> AsyncIterator[World]:
    database = Database(database_url)
    async with database.session() as session:
        yield World(session, database_url)
    await database.dispose()


async def test_figures_come_from_the_ledger_and_counters_for_one_member_or_many(
    world: World,
) -> None:
    service = world.service()
    ada = await world.member("ada", days_old=40, messages=12)
    bob = await world.member("bob", days_old=2)
    stats = await earning.stats_of(world.session, ada)
    stats.thanks_received, stats.streak_days, stats.days_active = 3, 4, 9
    stats.last_active_day = (START - timedelta(days=1)).date()
    await ledger.credit(world.session, ledger.Credit(ada, 25, "thanks", START))
    await ledger.credit(world.session, ledger.Credit(ada, -5, "moderator", START))
    figures = await service.figures(world.session, ada, START)
    assert {k: figures[k] for k in ("reputation", "messages", "thanks_received")} == {
        "reputation": 20,
        "messages": 12,
        "thanks_received": 3,
    }
    assert (figures["streak_days"], figures["days_active"], figures["account_age_days"]) == (
        4,
        9,
        40,
    )
    later = await service.figures(world.session, ada, START + timedelta(days=3))
    assert later["streak_days"] == 0, "a streak broken two days ago is no streak"
    both = await service.figures_of(world.session, [ada, bob], START, ["reputation", "messages"])
    assert both == {ada: {"reputation": 20, "messages": 12}, bob: {"reputation": 0, "messages": 0}}


async def test_a_rule_met_again_and_again_gives_its_badge_and_its_news_once(world: World) -> None:
    service = world.service(CHATTY)
    ada = await world.member("ada", messages=5)
    assert await awarding.check(service, world.session, {ada}, START, None) == 1
    (await earning.stats_of(world.session, ada)).messages = 6
    assert await awarding.check(service, world.session, {ada}, START, None) == 0
    assert not await service.award(world.session, ada, "chatty", at=START)
    assert [e.badge.id for e in await service.earned(world.session, ada)] == ["chatty"]
    assert await world.outbox_keys() == [f"badge:{ada}:chatty:dm"]


async def test_a_badge_taken_back_is_not_given_again_by_its_rule_only_by_hand(
    world: World,
) -> None:
    service = world.service(CHATTY)
    ada = await world.member("ada", messages=5)
    mod = await world.member("maria")
    await awarding.check(service, world.session, {ada}, START, None)
    assert await service.take(world.session, ada, "chatty", at=START, by=mod)
    assert not await service.take(world.session, ada, "chatty", at=START, by=mod)
    assert await awarding.check(service, world.session, {ada}, START, None) == 0
    assert await service.earned(world.session, ada) == []
    assert await service.award(world.session, ada, "chatty", at=START, by=mod)
    (earned,) = await service.earned(world.session, ada)
    assert (earned.badge.id, earned.given_by) == ("chatty", mod)
    assert await world.outbox_keys() == [f"badge:{ada}:chatty:dm"], "announced once, ever"


async def test_builtin_badges_exist_without_config_for_other_features_to_award(
    world: World,
) -> None:
    service = world.service()
    ada = await world.member("ada")
    assert await service.award(world.session, ada, "ambassador", at=START)
    assert await service.award(world.session, ada, "onboarded", at=START + timedelta(hours=1))
    assert [e.badge.id for e in await service.earned(world.session, ada)] == [
        "onboarded",
        "ambassador",
    ], "newest first, for the rank card"


async def test_the_sweep_gives_a_new_or_changed_rule_to_everyone_who_meets_it(
    world: World,
) -> None:
    ada = await world.member("ada", messages=7)
    bob = await world.member("bob", messages=3)
    await world.member("cleo", messages=1)
    first = world.service(CHATTY)
    assert await awarding.sweep(first, world.session, START) == 1
    assert await awarding.sweep(first, world.session, START + timedelta(minutes=10)) == 0
    changed = world.service(CHATTY | {"rule": "messages >= 3"}, THANKED)
    assert await awarding.sweep(changed, world.session, START + timedelta(minutes=20)) == 1
    holders = await world.session.scalars(
        select(func.count())
        .select_from(awarding.MemberBadge)
        .where(awarding.MemberBadge.badge_id == "chatty")
    )
    assert holders.one() == 2
    assert [e.badge.id for e in await changed.earned(world.session, bob)] == ["chatty"]
    assert [e.badge.id for e in await changed.earned(world.session, ada)] == ["chatty"]


async def test_linked_accounts_share_their_badges(world: World) -> None:
    service = world.service(CHATTY)
    ada = await world.member("ada", messages=5)
    ada_discord = await world.member("ada_dc", messages=6)
    await awarding.check(service, world.session, {ada, ada_discord}, START, None)
    await service.award(world.session, ada_discord, "ambassador", at=START)
    await absorb(world.session, ada, ada_discord)
    assert sorted(e.badge.id for e in await service.earned(world.session, ada)) == [
        "ambassador",
        "chatty",
    ]
