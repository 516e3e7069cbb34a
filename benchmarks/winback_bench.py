"""Win-back benchmark: one cycle for a large lapsed community (issue 18, item 6).

A SQLite database at head with ``--members`` members (100,000), every one silent for 31 to
90 days and taking unasked DMs, each with ``--rows`` activity rows (20) at their own hours,
and used last: questions, tickets (each has one), events, feedback (some backed items
shipped), reputation (points, two ruled badges) or none; 30 answers, 3 upcoming events and 10
ideas shipped over the last 90 days. Timed, twice: as configured (quiet hours
22:00-08:00), the cycle's planning (selecting every eligible member and reading their last
platform, topic and most active hour from the log) and then the hourly passes that build,
render and queue each member's message when their hour comes; and the worst case, quiet
hours off and the send pass run at the end of the day, when every message is due at once.
The generated database is kept in build/bench/ and its win-back and outbox rows emptied
before each run.

Usage::

    python benchmarks/winback_bench.py [--members 100000] [--rows 20]
"""

from __future__ import annotations

import argparse
import asyncio
import sqlite3
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from sqlalchemy import func, insert, select  # noqa: E402

from bot.app import build_app  # noqa: E402
from bot.migrate import upgrade  # noqa: E402
from core.clock import ManualClock  # noqa: E402
from core.features.events.models import Event  # noqa: E402
from core.features.faq.models import StoredEntry  # noqa: E402
from core.features.feedback.models import FeedbackItem, FeedbackVote  # noqa: E402
from core.features.reputation.models import RepRollup  # noqa: E402
from core.features.tickets.models import Ticket  # noqa: E402
from core.features.winback import profiles, sweep  # noqa: E402
from core.features.winback.models import PLANNED, WinbackMessage  # noqa: E402
from core.features.winback.settings import WinbackSettings  # noqa: E402
from core.members.models import Identity, Member  # noqa: E402
from tests.conftest import make_settings  # noqa: E402

CYCLE = datetime(2026, 12, 5, 10, 0, tzinfo=UTC)
FEATURES = ("faq", "tickets", "events", "feedback", "reputation", "general")
ZONES = (None, "Asia/Shanghai", "America/New_York", "Europe/Berlin")
BADGES = [
    {"id": "helper", "emoji": "🤝", "name": {"en": "Helper"}, "rule": "thanks_received >= 5"},
    {"id": "regular", "emoji": "📅", "name": {"en": "Regular"}, "rule": "days_active >= 30"},
]
SETTINGS = {"badges": BADGES}


def stamp(at: datetime) -> str:
    """How SQLAlchemy stores a UTC datetime in SQLite (naive, with microseconds)."""
    return at.replace(tzinfo=None).strftime("%Y-%m-%d %H:%M:%S.%f")


def left(i: int) -> datetime:
    return CYCLE - timedelta(days=31 + i % 60, hours=i % 7)


def activity(path: Path, members: int, rows: int) -> None:
    """``rows`` events per member before they left, mostly at their own hour (member i's is
    i % 24), their last one in the feature they used last. Written by SQLite itself."""
    last = members * rows - 1
    topics = " ".join(f"WHEN {n} THEN '{feature}'" for n, feature in enumerate(FEATURES))
    start = CYCLE.timestamp()
    connection = sqlite3.connect(path)
    connection.execute(
        f"""
        WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i < {last})
        INSERT INTO activity_events (member_id, platform, place_id, place_kind, kind, feature, at)
        SELECT 1 + i / {rows}, 'telegram', 'dm', 'dm', 'message',
               CASE WHEN i % {rows} = {rows - 1}
                    THEN CASE (1 + i / {rows}) % 6 {topics} END
                    ELSE 'general' END,
               strftime('%Y-%m-%d ', {start} - (40 + i % {rows} * 3) * 86400, 'unixepoch')
                 || printf('%02d', ((1 + i / {rows}) + (i % 5 = 0)) % 24)
                 || ':15:00.000000'
        FROM n
        """
    )
    connection.execute(
        "UPDATE members SET last_seen_at = (SELECT max(at) FROM activity_events "
        "WHERE member_id = members.id)"
    )
    connection.execute("ANALYZE")
    connection.commit()
    connection.close()


async def generate(path: Path, members: int, rows: int) -> None:
    url = f"sqlite+aiosqlite:///{path}"
    await upgrade(url)
    with tempfile.TemporaryDirectory() as empty:
        app = await build_app(
            make_settings(url, Path(empty)), ManualClock(CYCLE), {}, migrate=False
        )
        async with app.services.database.session() as session:
            await session.execute(
                insert(Member),
                [
                    {
                        "id": i,
                        "display_name": f"member{i}",
                        "locale": "zh-CN" if i % 3 == 0 else None,
                        "timezone": ZONES[i % len(ZONES)],
                        "dm_opt_out": False,
                        "created_at": CYCLE - timedelta(days=200),
                        "last_seen_at": left(i),
                    }
                    for i in range(1, members + 1)
                ],
            )
            await session.execute(
                insert(Identity),
                [
                    {
                        "member_id": i,
                        "platform": "telegram",
                        "platform_user_id": str(i),
                        "display_name": f"member{i}",
                        "dm_chat_id": str(i),
                        "created_at": CYCLE - timedelta(days=200),
                    }
                    for i in range(1, members + 1)
                ],
            )
            of = {
                f: [i for i in range(1, members + 1) if i % 6 == n] for n, f in enumerate(FEATURES)
            }
            await session.execute(
                insert(Ticket),
                [
                    {
                        "member_id": i,
                        "subject": f"Problem {i}",
                        "description": "It broke.",
                        "locale": "en",
                        "platform": "telegram",
                        "source": "command",
                        "suggestions": [],
                        "status": "closed",
                        "priority": "normal",
                        "tags": [],
                        "created_at": left(i) - timedelta(days=3),
                        "resolved_at": left(i) - timedelta(days=2),
                        "closed_at": left(i),
                    }
                    for i in of["tickets"]
                ],
            )
            await session.execute(
                insert(RepRollup),
                [
                    {"scope": "", "period": "all", "member_id": i, "points": i % 300}
                    for i in of["reputation"]
                ],
            )
            for n in range(30):
                for locale in ("en", "zh-CN"):
                    session.add(
                        StoredEntry(
                            id=f"entry-{n}",
                            locale=locale,
                            title=f"How do I do thing {n}?",
                            questions=[],
                            answer="Like this.",
                            tags=[],
                            removed=False,
                            updated_at=CYCLE - timedelta(days=3 * n),
                        )
                    )
            for n in range(3):
                starts = CYCLE + timedelta(days=7 * (n + 1))
                session.add(
                    Event(
                        kind="meetup",
                        title=f"Meetup {n}",
                        starts_at=starts,
                        ends_at=starts + timedelta(hours=2),
                        timezone="UTC",
                        locale="en",
                        created_at=CYCLE - timedelta(days=10),
                    )
                )
            items = [
                FeedbackItem(
                    category="idea",
                    title=f"Idea {n}",
                    description="Please.",
                    locale="en",
                    status="completed",
                    created_at=CYCLE - timedelta(days=120),
                    updated_at=CYCLE - timedelta(days=9 * n),
                )
                for n in range(10)
            ]
            session.add_all(items)
            await session.flush()
            await session.execute(
                insert(FeedbackVote),
                [
                    {"item_id": items[i % 10].id, "member_id": i, "created_at": CYCLE}
                    for i in of["feedback"]
                ],
            )
            await session.commit()
        await app.close()
    activity(path, members, rows)


def reset(path: Path) -> None:
    """Forget the cycle and what it queued; the members' profiles stay read."""
    connection = sqlite3.connect(path)
    for table in ("winback_messages", "outbox"):
        connection.execute(f"DELETE FROM {table}")
    connection.execute("UPDATE winback_control SET last_cycle = NULL")
    connection.commit()
    connection.close()


async def read_log(url: str) -> tuple[int, float]:
    """Bring the members' profiles up to date with the log; rows read and seconds."""
    with tempfile.TemporaryDirectory() as empty:
        app = await build_app(
            make_settings(url, Path(empty)), ManualClock(CYCLE), {}, migrate=False
        )
        async with app.services.database.session() as session:
            began = time.perf_counter()
            read = await profiles.update_all(session, await sweep.control(session))
            await session.commit()
            took = time.perf_counter() - began
        await app.close()
    return read, took


async def day(url: str, quiet: str) -> tuple[int, float, list[tuple[int, float]]]:
    """Plan the cycle, then send pass by pass (one an hour, as the sweep's interval would
    find them due) until nothing is planned; with ``quiet`` "" everything is sent in one
    pass at the end of the day. Returns what was planned, how long that took, and each
    pass's messages and seconds."""
    clock = ManualClock(CYCLE)
    sections = {**SETTINGS, "winback": {"enabled": True, "quiet_hours": quiet}}
    with tempfile.TemporaryDirectory() as empty:
        app = await build_app(make_settings(url, Path(empty), **sections), clock, {}, migrate=False)
        settings = app.services.settings.section(WinbackSettings)
        async with app.services.database.session() as session:
            began = time.perf_counter()
            planned = await sweep.plan(app.services, session, settings, CYCLE)
            await session.commit()
            planning = time.perf_counter() - began
        passes = []
        hours = range(24, 25) if not quiet else range(48)
        for hour in hours:
            now = clock.set(CYCLE + timedelta(hours=hour, minutes=-1 if not quiet else 1))
            async with app.services.database.session() as session:
                began = time.perf_counter()
                queued = await sweep.send_due(app.services, session, settings, now)
                await session.commit()
                passes.append((queued, time.perf_counter() - began))
                left = await session.scalar(
                    select(func.count()).where(WinbackMessage.status == PLANNED)
                )
            if not left:
                break
        await app.close()
    return planned, planning, passes


async def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--members", type=int, default=100_000)
    parser.add_argument("--rows", type=int, default=20)
    options = parser.parse_args()
    folder = REPO / "build" / "bench"
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"winback-{options.members}-{options.rows}.db"
    if not path.exists():
        began = time.perf_counter()
        partial = path.with_suffix(".partial")
        partial.unlink(missing_ok=True)
        await generate(partial, options.members, options.rows)
        partial.rename(path)
        print(f"generated {path.name} in {time.perf_counter() - began:.0f} s")
    url = f"sqlite+aiosqlite:///{path}"
    await upgrade(url)
    print(
        f"win-back, one cycle: {options.members:,} lapsed members taking unasked DMs, "
        f"{options.members * options.rows:,} activity rows (goal: selecting and queueing "
        f"for 100,000 members in at most 5 s)"
    )
    read, took = await read_log(url)
    if read:
        print(f"  the members' profiles, read from the whole log once: {read:,} rows, {took:.2f} s")
    read, took = await read_log(url)
    print(f"  and again, nothing new since: {read:,} rows, {took:.2f} s")
    reset(path)
    planned, planning, passes = await day(url, "22:00-08:00")
    largest = max(passes)
    print(
        f"  as configured (quiet hours 22:00-08:00, each at their own hour): planned "
        f"{planned:,} in {planning:.2f} s; {sum(n for n, _ in passes):,} messages queued in "
        f"{len(passes)} hourly passes taking {sum(t for _, t in passes):.2f} s in all, the "
        f"largest {largest[0]:,} messages in {largest[1]:.2f} s"
    )
    reset(path)
    planned, planning, passes = await day(url, "")
    ((queued, sending),) = passes
    print(
        f"  all at once (no quiet hours, everyone due in one pass): planned {planned:,} in "
        f"{planning:.2f} s, built, rendered and queued {queued:,} in {sending:.2f} s; "
        f"{planning + sending:.2f} s together"
    )


if __name__ == "__main__":
    asyncio.run(main())
