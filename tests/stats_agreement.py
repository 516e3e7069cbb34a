"""Feeding the synthetic community through the app, and reading the raw rows back for the
reference count: shared by the agreement test and the bench."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import select

from bot.app import build_app
from core.activity import ActivityEvent
from core.clock import ManualClock
from core.db.engine import Database
from core.events import Platform
from core.features.analytics.service import AnalyticsService
from core.features.faq.models import AnswerLog
from core.features.lifecycle.models import Onboarding
from core.settings import Settings
from tests.fakes.fake_adapter import FakeAdapter
from tests.reference_stats import Row, count
from tests.synthetic import community

KEYS = ("dau", "wau", "mau", "new_members", "retention", "funnel")


async def feed(settings: Settings, members: int, start: datetime) -> int:
    """The community's events through the router, the clock following them; the rollups
    brought up to date half-way (so the sweep works incrementally) and not at the end."""
    deliveries = community(members, start)
    clock = ManualClock(start)
    app = await build_app(
        settings,
        clock,
        {Platform.DISCORD: FakeAdapter(Platform.DISCORD), Platform.TELEGRAM: FakeAdapter()},
        migrate=False,
    )
    try:
        for index, delivery in enumerate(deliveries):
            clock.set(max(delivery.handled_at, clock.now()))
            await app.handle(delivery.event)
            if index == len(deliveries) // 2:
                await app.services.get(AnalyticsService).refresh()
    finally:
        await app.close()
    return len(deliveries)


async def reference_of(
    settings: Settings, zone: str, start: date, end: date, today: date
) -> dict[str, Any]:
    database = Database(settings.database.url)
    try:
        async with database.session() as session:
            rows = [
                Row(*r)
                for r in await session.execute(
                    select(
                        ActivityEvent.member_id,
                        ActivityEvent.platform,
                        ActivityEvent.kind,
                        ActivityEvent.at,
                    ).where(ActivityEvent.member_id.is_not(None))
                )
            ]
            answered: dict[int, datetime] = {}
            for member, at in await session.execute(
                select(AnswerLog.member_id, AnswerLog.asked_at).where(AnswerLog.answered.is_(True))
            ):
                if member is not None:
                    answered[member] = min(answered.get(member, at), at)
            onboarded = {
                member: at
                for member, at in await session.execute(
                    select(Onboarding.member_id, Onboarding.finished_at).where(
                        Onboarding.finished_at.is_not(None)
                    )
                )
            }
    finally:
        await database.dispose()
    return count(
        rows,
        zone=zone,
        start=start,
        end=end,
        today=today,
        answered=answered,
        onboarded=onboarded,
    )


def compare(printed: dict[str, Any], expected: dict[str, Any]) -> list[str]:
    """Where ``townhall stats --json`` and the reference differ (empty when they agree)."""
    found = [key for key in KEYS if printed[key] != expected[key]]
    for platform, figures in expected["platforms"].items():
        mine = printed["platforms"].get(platform, {})
        found += [f"{platform}.{key}" for key in KEYS if mine.get(key) != figures[key]]
    return found
