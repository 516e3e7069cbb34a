"""The first stage sweep reads the log once and agrees with the day-by-day rules."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import insert, select

from core.activity import ActivityEvent
from core.db.engine import Database
from core.features.lifecycle import stages
from core.features.lifecycle.models import MemberStage, StageChange
from core.features.lifecycle.settings import LifecycleSettings
from core.members.models import Member
from tests.conftest import START

NOW = START + timedelta(days=200)
SETTINGS = LifecycleSettings()


def ago(days: float) -> object:
    return NOW - timedelta(days=days)


async def test_the_first_sweep_places_everyone_from_their_recent_days(database_url: str) -> None:
    database = Database(database_url)
    members = {
        1: (180, [1, 3, *range(20, 30)]),  # 2 days lately against 10 before: slowing
        2: (180, [1, 2, 3, 4, 5]),  # active on 5 of the last 14 days
        3: (180, [50]),  # quiet for 50 days
        4: (180, [120]),  # quiet for 120 days
        5: (3, [1, 3]),  # joined 3 days ago, no onboarding yet
    }
    async with database.session() as session:
        await session.execute(
            insert(Member),
            [
                {
                    "id": m,
                    "display_name": f"m{m}",
                    "dm_opt_out": False,
                    "created_at": ago(joined),
                    "last_seen_at": ago(min(days)),
                }
                for m, (joined, days) in members.items()
            ],
        )
        await session.execute(
            insert(ActivityEvent),
            [
                {
                    "member_id": m,
                    "platform": "console",
                    "place_id": "general",
                    "place_kind": "channel",
                    "kind": "message",
                    "feature": "none",
                    "at": ago(day),
                }
                for m, (_, days) in members.items()
                for day in days
                for _ in range(3)
            ],
        )
        await session.commit()
        assert await stages.sweep(session, SETTINGS, NOW) == 5
        await session.commit()
        placed = {row.member_id: row for row in await session.scalars(select(MemberStage))}
        assert {m: row.stage for m, row in placed.items()} == {
            1: "at-risk",
            2: "engaged",
            3: "lapsed",
            4: "churned",
            5: "new",
        }
        yesterday = NOW.date().toordinal() - 1
        one = placed[1]
        assert one.last_active_day == yesterday
        assert one.active_bits == sum(1 << (day - 1) for day in (1, 3, *range(20, 30)))
        assert placed[3].last_active_day == yesterday - 49

        assert await stages.sweep(session, SETTINGS, NOW) == 0, "the same day twice: nothing"
        assert await stages.sweep(session, SETTINGS, NOW + timedelta(days=1)) == 0
        await session.commit()
        assert len((await session.scalars(select(StageChange))).all()) == 5
    await database.dispose()
