"""The rollups: each activity row counted once on its own day, whatever the order, the
re-runs, a restart in the middle, the community's time zone or a merge of two accounts."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import insert

from bot.app import App, build_app
from core.activity import ActivityEvent
from core.clock import ManualClock
from core.events import Platform
from core.features.accounts.merge import absorb
from core.features.analytics.rollup import roll_up
from core.features.analytics.service import AnalyticsService
from core.members.models import Member
from tests.conftest import make_settings
from tests.fakes.fake_adapter import FakeAdapter

DAY1 = datetime(2026, 11, 24, 10, tzinfo=UTC)


@pytest.fixture
async def shanghai(database_url: str, clock: ManualClock) -> AsyncIterator[App]:
    built = await build_app(
        make_settings(database_url, locale={"timezone": "Asia/Shanghai"}),
        clock,
        {Platform.TELEGRAM: FakeAdapter()},
        migrate=False,
    )
    yield built
    await built.close()


async def _members(app: App, count: int) -> list[int]:
    async with app.services.database.session() as session:
        made = [
            Member(display_name=f"m{n}", created_at=DAY1, last_seen_at=DAY1) for n in range(count)
        ]
        session.add_all(made)
        await session.commit()
        return [m.id for m in made]


async def _log(app: App, *rows: tuple[int, str, datetime, str]) -> None:
    """(member, kind, at, platform) rows, written in the order given."""
    async with app.services.database.session() as session:
        await session.execute(
            insert(ActivityEvent),
            [
                {
                    "member_id": member,
                    "platform": platform,
                    "place_id": "g",
                    "place_kind": "group",
                    "kind": kind,
                    "feature": "faq",
                    "at": at,
                }
                for member, kind, at, platform in rows
            ],
        )
        await session.commit()


def _day(n: int) -> datetime:
    return DAY1 + timedelta(days=n)


async def test_a_member_is_counted_once_a_day_and_reactions_joins_and_leaves_are_not_activity(
    app: App, clock: ManualClock
) -> None:
    ann, bob, cat = await _members(app, 3)
    await _log(
        app,
        (ann, "member_joined", _day(0), "telegram"),
        (ann, "message", _day(0), "telegram"),
        (ann, "command", _day(0) + timedelta(hours=1), "telegram"),
        (bob, "member_joined", _day(0), "telegram"),
        (bob, "reaction", _day(1), "telegram"),
        (cat, "action", _day(1), "telegram"),
        (ann, "message", _day(1), "telegram"),
        (bob, "member_left", _day(1), "telegram"),
    )
    clock.set(_day(3))
    service = app.services.get(AnalyticsService)
    assert await service.refresh() == 8
    together = (await service.activity(_day(0).date(), _day(1).date()))["all"]
    assert together.dau == {_day(0).date(): 1, _day(1).date(): 2}
    assert together.new_members == {_day(0).date(): 2, _day(1).date(): 1}
    (first, second) = together.cohorts
    assert (first.size, first.d1) == (2, 0.5), "ann came back the next day, bob only reacted"
    assert first.d7 is None, "day 7 is after the window"
    assert (second.size, second.d1) == (1, None), "cat's day 1 is after the window"


async def test_re_runs_late_rows_and_a_restart_in_the_middle_count_each_row_once(
    app: App, clock: ManualClock
) -> None:
    ann, bob = await _members(app, 2)
    await _log(app, *[(ann, "message", _day(n), "telegram") for n in range(5)])
    service = app.services.get(AnalyticsService)
    async with app.services.database.session() as session:
        assert await roll_up(session, "UTC", limit=1) > 0
        await session.rollback()  # the process died before committing: nothing counted
    await service.refresh()
    await service.refresh()
    await _log(app, (bob, "message", _day(1), "telegram"), (ann, "message", _day(1), "discord"))
    await service.refresh()
    clock.set(_day(10))
    together = (await service.activity(_day(0).date(), _day(4).date()))["all"]
    assert together.dau == {_day(n).date(): 2 if n == 1 else 1 for n in range(5)}
    assert together.new_members[_day(1).date()] == 1, "bob's late first message is his join"
    telegram = (await service.activity(_day(0).date(), _day(4).date()))["telegram"]
    assert telegram.dau[_day(1).date()] == 2
    assert telegram.wau[_day(4).date()] == 2


async def test_days_are_the_community_time_zone_s(shanghai: App, clock: ManualClock) -> None:
    (ann,) = await _members(shanghai, 1)
    late_evening_utc = datetime(2026, 11, 24, 17, tzinfo=UTC)  # 01:00 on the 25th in Shanghai
    await _log(shanghai, (ann, "message", late_evening_utc, "telegram"))
    clock.set(late_evening_utc + timedelta(days=3))
    service = shanghai.services.get(AnalyticsService)
    await service.refresh()
    together = (await service.activity(date(2026, 11, 24), date(2026, 11, 25)))["all"]
    assert together.dau == {date(2026, 11, 24): 0, date(2026, 11, 25): 1}


async def test_two_linked_accounts_count_as_one_member(app: App, clock: ManualClock) -> None:
    on_telegram, on_discord = await _members(app, 2)
    await _log(
        app,
        (on_telegram, "message", _day(0), "telegram"),
        (on_discord, "member_joined", _day(-3), "discord"),
        (on_discord, "message", _day(0), "discord"),
        (on_discord, "message", _day(1), "discord"),
    )
    service = app.services.get(AnalyticsService)
    await service.refresh()
    async with app.services.database.session() as session:
        await absorb(session, on_telegram, on_discord)
        await session.commit()
    clock.set(_day(5))
    figures = await service.activity(_day(-3).date(), _day(1).date())
    together = figures["all"]
    assert together.dau[_day(0).date()] == 1
    assert together.new_members == {_day(n).date(): 1 if n == -3 else 0 for n in range(-3, 2)}, (
        "the linked member joined with the earlier account"
    )
    assert figures["telegram"].dau[_day(0).date()] == 1
    assert figures["discord"].dau[_day(1).date()] == 1


async def test_kpis_carry_targets_progress_and_the_previous_period(
    database_url: str, clock: ManualClock
) -> None:
    app = await build_app(
        make_settings(database_url, kpis={"dau": 2, "churned": 1}),
        clock,
        {Platform.TELEGRAM: FakeAdapter()},
        migrate=False,
    )
    try:
        ann, bob = await _members(app, 2)
        await _log(
            app,
            *[(ann, "message", _day(n), "telegram") for n in range(4)],
            (bob, "message", _day(2), "telegram"),
            (bob, "message", _day(3), "telegram"),
        )
        clock.set(_day(4))
        service = app.services.get(AnalyticsService)
        await service.refresh()
        kpis = await service.kpis(_day(2).date(), _day(3).date())
        dau = kpis.kpi("dau")
        assert (dau.value, dau.previous, dau.target) == (2.0, 1.0, 2.0)
        assert (dau.change, dau.progress, dau.met) == (1.0, 1.0, True)
        assert kpis.kpi("churned").met is True, "lower is better: none churned"
        assert kpis.features.questions_asked == 0
        assert kpis.today == _day(4).date()
    finally:
        await app.close()
