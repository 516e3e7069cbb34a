"""Lifecycle benchmark: the stage sweep on a large community (issue 18, item 6).

A SQLite database at head with ``--members`` members (100,000) and ``--rows`` activity rows
(10 million) spread evenly over a year, most members quiet and a few very busy. Three figures:
the first sweep, which places every member from the log (goal: at most 10 s); one day's
sweep afterwards, which reads that day's rows only; and how many rows each read. The
generated database is kept in build/bench/ and reused (the lifecycle tables are emptied
before each run), since writing 10 million rows takes longer than the sweeps.

Usage::

    python benchmarks/lifecycle_bench.py [--members 100000] [--rows 10000000]
"""

from __future__ import annotations

import argparse
import asyncio
import sqlite3
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from bot.migrate import upgrade  # noqa: E402
from core.db.engine import Database  # noqa: E402
from core.features.lifecycle import stages  # noqa: E402
from core.features.lifecycle.settings import LifecycleSettings  # noqa: E402

NOW = datetime(2026, 12, 5, 12, 0, tzinfo=UTC)
DAYS = 365
LIFECYCLE_TABLES = ("stage_changes", "member_stages", "lifecycle_marks")


def stamp(at: datetime) -> str:
    """How SQLAlchemy stores a UTC datetime in SQLite (naive, with microseconds)."""
    return at.replace(tzinfo=None).strftime("%Y-%m-%d %H:%M:%S.%f")


def generate(path: Path, members: int, rows: int) -> None:
    """A year of activity, in time order like a real log, by members drawn unevenly (a few
    write most of it); each member joined at their first event and was last seen at their
    last. Written by SQLite itself: a Python loop would take minutes."""
    first = NOW - timedelta(days=DAYS)
    never = stamp(first)
    connection = sqlite3.connect(path)
    connection.execute("DROP INDEX ix_activity_events_member_at")
    connection.execute("DROP INDEX ix_activity_events_at")
    connection.execute(
        f"""
        WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i < {rows - 1})
        INSERT INTO activity_events (member_id, platform, place_id, place_kind, kind, feature, at)
        SELECT 1 + (abs(random()) % {members}) * (abs(random()) % {members}) / {members},
               'discord', '42', 'channel', 'message', 'faq',
               strftime('%Y-%m-%d %H:%M:%S', {first.timestamp()} + i * {DAYS * 86400 / rows},
                        'unixepoch') || '.000000'
        FROM n
        """
    )
    connection.execute("CREATE INDEX ix_activity_events_at ON activity_events (at)")
    connection.execute(
        "CREATE INDEX ix_activity_events_member_at ON activity_events (member_id, at)"
    )
    connection.execute(
        f"""
        WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < {members})
        INSERT INTO members (id, display_name, dm_opt_out, created_at, last_seen_at)
        SELECT i, 'member' || i, 0,
               coalesce((SELECT min(at) FROM activity_events WHERE member_id = i), '{never}'),
               coalesce((SELECT max(at) FROM activity_events WHERE member_id = i), '{never}')
        FROM n
        """
    )
    connection.execute("ANALYZE")
    connection.commit()
    connection.close()


def reset(path: Path) -> None:
    connection = sqlite3.connect(path)
    for table in LIFECYCLE_TABLES:
        connection.execute(f"DELETE FROM {table}")
    connection.commit()
    connection.close()


async def timed_sweep(database: Database, now: datetime) -> tuple[float, int]:
    settings = LifecycleSettings()
    async with database.session() as session:
        began = time.perf_counter()
        recorded = await stages.sweep(session, settings, now)
        await session.commit()
        return time.perf_counter() - began, recorded


def count(path: Path, query: str, *args: object) -> int:
    connection = sqlite3.connect(path)
    try:
        return int(connection.execute(query, args).fetchone()[0])
    finally:
        connection.close()


async def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--members", type=int, default=100_000)
    parser.add_argument("--rows", type=int, default=10_000_000)
    options = parser.parse_args()
    folder = REPO / "build" / "bench"
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"lifecycle-{options.members}-{options.rows}.db"
    url = f"sqlite+aiosqlite:///{path}"
    if not path.exists():
        began = time.perf_counter()
        partial = path.with_suffix(".partial")
        partial.unlink(missing_ok=True)
        await upgrade(f"sqlite+aiosqlite:///{partial}")
        generate(partial, options.members, options.rows)
        partial.rename(path)
        print(f"generated {path.name} in {time.perf_counter() - began:.0f} s")
    await upgrade(url)
    reset(path)
    database = Database(url)
    try:
        yesterday = NOW - timedelta(days=1)
        first, placed = await timed_sweep(database, yesterday)
        window = LifecycleSettings().window
        read = count(
            path,
            "SELECT count(*) FROM activity_events WHERE at >= ? AND at < ?",
            stamp(
                datetime.combine((yesterday - timedelta(days=window)).date(), datetime.min.time())
            ),
            stamp(datetime.combine(yesterday.date(), datetime.min.time())),
        )
        print(
            f"first stage sweep: {options.members:,} members, {options.rows:,} activity rows "
            f"({read:,} in its {window} days): {first:.2f} s, {placed:,} members placed "
            f"(goal: at most 10 s)"
        )
        day, changed = await timed_sweep(database, NOW)
        today = count(
            path,
            "SELECT count(*) FROM activity_events WHERE at >= ? AND at < ?",
            stamp(datetime.combine((NOW - timedelta(days=1)).date(), datetime.min.time())),
            stamp(datetime.combine(NOW.date(), datetime.min.time())),
        )
        print(
            f"the next day's sweep: {today:,} activity rows read (that day's), "
            f"{day:.2f} s, {changed:,} changes of stage recorded"
        )
    finally:
        await database.dispose()


if __name__ == "__main__":
    asyncio.run(main())
