"""What features contribute to the figures and the founder's digest without being named by
analytics or the digest (core.contributions): ambassador candidates, win-back results and
decided experiments in the digest, a feature's figures in the KPIs and ``townhall stats
--json``, lifecycle stage counts; targeting members by stage."""

from __future__ import annotations

from collections.abc import AsyncIterator, Mapping
from datetime import timedelta
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest_asyncio
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.app import build_app
from core.clock import ManualClock
from core.contributions import DigestSection, FigureSource, Period
from core.events import Place, PlaceKind
from core.features.analytics.export import kpis_json
from core.features.analytics.service import AnalyticsService
from core.features.lifecycle.audience import StagesService
from core.features.lifecycle.models import MemberStage, StageChange
from core.features.lifecycle.stages import Stage
from core.features.winback.models import HELD, SENT, WinbackMessage
from core.markup import plain
from core.members.models import Member
from tests.conftest import make_settings
from tests.fakes.fake_adapter import FakeAdapter
from tests.unit.chat import DC, TG, Chat
from tests.unit.test_experiments import welcome_tone

GROUP = Place(TG, "-100", PlaceKind.GROUP)


@pytest_asyncio.fixture
async def chat(database_url: str, clock: ManualClock) -> AsyncIterator[Chat]:
    telegram, discord = FakeAdapter(TG), FakeAdapter(DC)
    settings = make_settings(
        database_url,
        roles={"founders": ["telegram:fiona"], "moderators": ["telegram:maria"]},
    )
    app = await build_app(settings, clock, {TG: telegram, DC: discord}, migrate=False)
    yield Chat(app, clock, telegram, discord)
    await app.close()


async def _digest(chat: Chat) -> str:
    (reply,) = await chat.say(TG, "fiona", "/digest now")
    return plain(reply.text)


async def test_the_digest_names_ambassador_candidates_not_yet_invited(chat: Chat) -> None:
    await chat.say(TG, "ada", "hello everyone, happy to help", place=GROUP)
    await chat.say(TG, "maria", "/rep add ada 1200 ran the community meetup")
    await chat.say(TG, "bob", "just passing by", place=GROUP)

    text = await _digest(chat)
    assert "Ambassador candidates" in text
    assert "1. Ada: score" in text and "Bob" not in text

    await chat.say(TG, "maria", "/ambassador invite ada")
    assert "Ambassador candidates" not in await _digest(chat)


async def test_a_chinese_founder_reads_the_candidates_in_chinese(chat: Chat) -> None:
    await chat.say(TG, "ada", "hello everyone", place=GROUP)
    await chat.say(TG, "maria", "/rep add ada 1200 ran the community meetup")
    await chat.say(TG, "fiona", "/language zh-CN")
    text = await _digest(chat)
    assert "大使候选人" in text and "Ada" in text


class Recording(DigestSection):
    template = "ambassadors/digest"

    def __init__(self, name: str, order: int, *, says: bool) -> None:
        self.name, self.order, self.says = name, order, says
        self.periods: list[Period] = []

    async def gather(
        self, session: AsyncSession, period: Period, *, weekly: bool
    ) -> Mapping[str, Any] | None:
        self.periods.append(period)
        if not self.says:
            return None
        return {"candidates": [SimpleNamespace(name=self.name, score=1, solutions=0)]}


async def test_sections_stand_in_their_order_and_one_with_nothing_to_say_is_absent(
    chat: Chat,
) -> None:
    # Three features' sections: one of each class, as ``offer`` keeps one per class.
    later, silent, first = (
        type(name, (Recording,), {})(name, order, says=says)
        for name, order, says in (("Later", 90, True), ("Silent", 10, False), ("First", 60, True))
    )
    for section in (later, silent, first):
        chat.app.services.offer(section)

    text = await _digest(chat)
    assert text.index("First: score") < text.index("Later: score")
    assert "Silent" not in text
    yesterday = chat.clock.now().date() - timedelta(days=1)
    assert [(p.start, p.end) for p in silent.periods] == [(yesterday, yesterday)]


class Sent(FigureSource):
    async def figures(self, session: AsyncSession, period: Period) -> Mapping[str, Any]:
        days = (period.end - period.start).days + 1
        return {"demo_sent": 10 * days, "demo_lift": None}


async def test_contributed_figures_are_kpis_and_in_the_json(chat: Chat) -> None:
    chat.app.services.offer(Sent())
    analytics = chat.app.services.get(AnalyticsService)
    kpis = await analytics.kpis(*analytics.last_days(7))
    assert kpis.kpi("demo_sent").value == 70 and kpis.kpi("demo_sent").previous == 70
    printed = kpis_json(kpis, "UTC")
    assert printed["features"]["demo_sent"] == 70 and printed["features"]["demo_lift"] is None
    assert printed["kpis"]["demo_sent"]["value"] == 70
    assert printed["features"]["badges_awarded"] == 0


async def test_stage_counts_at_the_end_of_a_past_window_and_now(chat: Chat) -> None:
    for user in ("ann", "ben", "cy"):
        await chat.say(TG, user, "hello", place=GROUP)
    now = chat.clock.now()
    async with chat.app.services.database.session() as session:
        ids = {m.display_name: m.id for m in await session.scalars(select(Member))}
        moves = [
            ("Ann", None, "new", 20),
            ("Ben", None, "new", 20),
            ("Ann", "new", "activated", 12),
            ("Cy", None, "new", 3),
            ("Ben", "new", "lapsed", 2),
        ]
        for name, before, after, days_ago in moves:
            session.add(
                StageChange(
                    member_id=ids[name],
                    from_stage=before,
                    to_stage=after,
                    at=now - timedelta(days=days_ago),
                )
            )
        for name, stage in (("Ann", "activated"), ("Ben", "lapsed"), ("Cy", "new")):
            session.add(
                MemberStage(
                    member_id=ids[name],
                    stage=stage,
                    since=now,
                    joined_day=0,
                    last_active_day=0,
                    bits_day=0,
                    active_bits=0,
                )
            )
        await session.commit()
    analytics = chat.app.services.get(AnalyticsService)
    today = analytics.today()
    past = await analytics.kpis(today - timedelta(days=14), today - timedelta(days=7))
    assert past.features.stages == {"new": 1, "activated": 1}
    assert past.features.stage_changes == {"activated": 1}
    current = await analytics.kpis(*analytics.last_days(7))
    assert current.features.stages == {"activated": 1, "lapsed": 1, "new": 1}
    assert current.features.stage_changes == {"new": 1, "lapsed": 1}
    assert kpis_json(current, "UTC")["features"]["stages"]["lapsed"] == 1
    stages = chat.app.services.get(StagesService)
    async with chat.app.services.database.session() as session:
        away = set(await session.scalars(stages.members_in(Stage.LAPSED, "new")))
        assert away == {ids["Ben"], ids["Cy"]}
        assert await stages.stage_of(session, ids["Ann"]) is Stage.ACTIVATED


async def test_win_back_results_are_kpis_and_a_digest_line(chat: Chat) -> None:
    for user in ("ann", "ben", "cy"):
        await chat.say(TG, user, "hello", place=GROUP)
    chat.clock.advance(timedelta(hours=1))
    now = chat.clock.now()
    async with chat.app.services.database.session() as session:
        ids = {m.display_name: m.id for m in await session.scalars(select(Member))}
        for name, status in (("Ann", SENT), ("Ben", SENT), ("Cy", HELD)):
            session.add(
                WinbackMessage(
                    member_id=ids[name],
                    cycle=now,
                    due_at=now,
                    left_at=now - timedelta(days=40),
                    topic="none",
                    status=status,
                    sent_at=now,
                )
            )
        await session.commit()
    chat.clock.advance(timedelta(hours=1))
    await chat.say(TG, "ann", "I am back", place=GROUP)

    analytics = chat.app.services.get(AnalyticsService)
    await analytics.refresh()
    printed = kpis_json(await analytics.kpis(*analytics.last_days(7)), "UTC")
    assert printed["features"]["winback_sent"] == 2
    assert printed["features"]["winback_converted"] == 1
    assert printed["features"]["winback_lift"] == 0.5
    assert printed["kpis"]["winback_conversion"]["value"] == 0.5

    chat.clock.advance(timedelta(days=1))
    text = await _digest(chat)
    assert "Win-back (30 days): 2 sent, 1 came back (50%) · lift over the holdout +50.0" in text
    await chat.say(TG, "fiona", "/language zh-CN")
    assert "召回（30 天）：已发送 2 条，1 人回来了（50%）" in await _digest(chat)


async def test_an_experiment_stopped_yesterday_is_in_the_digest_once(
    database_url: str, clock: ManualClock, tmp_path: Path
) -> None:
    settings = make_settings(
        database_url,
        roles={"founders": ["telegram:fiona"], "moderators": ["telegram:maria"]},
        experiments=[welcome_tone(tmp_path)],
    )
    telegram = FakeAdapter(TG)
    app = await build_app(settings, clock, {TG: telegram}, migrate=False)
    chat = Chat(app, clock, telegram, FakeAdapter(DC))
    try:
        await chat.say(TG, "maria", "/experiment stop welcome-tone warm")
        clock.advance(timedelta(days=1))
        text = await _digest(chat)
        assert "Experiments decided" in text
        assert "welcome-tone (welcome): stopped, everyone gets warm" in text
        clock.advance(timedelta(days=1))
        assert "Experiments decided" not in await _digest(chat)
    finally:
        await app.close()
