"""Analytics benchmark (issue 17, items 7 and 8).

1. Agreement at size: the synthetic community (thousands of members, 90 days) through the
   router, then ``townhall stats --json`` against the independent count from raw events.
2. Speed: 100,000 members and 10 million activity rows written straight into the activity
   log (as the bot's batches would), then the rollup sweep over all of them (goal: at least
   5,000 events a second), then ``townhall stats --json`` for 90 days (goal: at most 2 s),
   in process and as the whole command; assembling the founder's digest (goal: at most
   2 s); then 100,000 new rows folded in incrementally. On
   SQLite, and on PostgreSQL when ``TOWNHALL_BENCH_POSTGRES_URL`` (or the tests'
   ``TOWNHALL_TEST_POSTGRES_URL``) names a server.

Usage::

    python benchmarks/stats_bench.py [--members 100000] [--events 10000000] [--community 3000]
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from bot.migrate import upgrade  # noqa: E402
from core.clock import SystemClock  # noqa: E402
from core.db.engine import Database  # noqa: E402
from core.features.analytics.export import kpis_json  # noqa: E402
from core.features.analytics.service import AnalyticsService  # noqa: E402
from tests.conftest import make_settings  # noqa: E402
from tests.stats_agreement import compare, feed, reference_of  # noqa: E402

DAYS = 90
INSERT_ROWS = 200_000


def _start() -> datetime:
    today = datetime.now(UTC).date()
    return datetime.combine(today - timedelta(days=DAYS + 2), datetime.min.time(), UTC)


async def agreement(url: str, members: int) -> None:
    await upgrade(url)
    settings = make_settings(url, locale={"timezone": "Asia/Shanghai"})
    start = _start()
    began = time.perf_counter()
    events = await feed(settings, members, start)
    fed = time.perf_counter() - began
    first, last = (start + timedelta(days=20)).date(), (start + timedelta(days=DAYS)).date()
    service = AnalyticsService(settings, Database(url), SystemClock())
    await service.refresh()
    printed = kpis_json(await service.kpis(first, last), "Asia/Shanghai")
    printed = json.loads(json.dumps(printed))
    from zoneinfo import ZoneInfo

    today = datetime.now(ZoneInfo("Asia/Shanghai")).date()
    expected = await reference_of(settings, "Asia/Shanghai", first, last, today)
    differences = compare(printed, expected)
    print(
        f"agreement: {members} members, {events} events through the router "
        f"({events / fed:.0f} events/s); {first}..{last}: "
        + ("stats agree with the independent count" if not differences else f"DIFFER {differences}")
    )


def write_activity(url: str, members: int, events: int) -> int:
    """Writes the rows with the database's own bulk path; the count written."""
    rng = np.random.default_rng(8)
    join = rng.integers(0, DAYS, members)
    habit = rng.choice([0.6, 0.25, 0.08, 0.02], members, p=[0.05, 0.15, 0.3, 0.5])
    per_day = max(events / float(np.sum(habit * (DAYS - join))), 1.0)
    platforms = np.where(rng.random(members) < 0.5, "discord", "telegram")
    kinds = np.array(["message"] * 8 + ["command", "action"])
    start = _start()
    written = 0
    writer = _writer(url)
    for day in range(DAYS):
        active = np.flatnonzero((join <= day) & (rng.random(members) < habit))
        counts = rng.poisson(per_day - 1, len(active)) + 1
        who = np.repeat(active, counts)
        seconds = np.sort(rng.integers(0, 86_400, len(who)))
        rng.shuffle(who)
        kind = kinds[rng.integers(0, len(kinds), len(who))]
        base = start + timedelta(days=int(day))
        rows = [
            (
                int(m) + 1,
                str(platforms[m]),
                "general",
                "channel",
                str(k),
                "none",
                base + timedelta(seconds=int(s)),
            )
            for m, k, s in zip(who, kind, seconds, strict=True)
        ]
        joins = [
            (int(m) + 1, str(platforms[m]), "general", "channel", "member_joined", "none", base)
            for m in np.flatnonzero(join == day)
        ]
        writer(joins + rows)
        written += len(rows) + len(joins)
        if written >= events:
            break
    return written


def _writer(url: str):  # type: ignore[no-untyped-def]
    if url.startswith("sqlite"):
        import sqlite3

        path = url.split("///", 1)[1]

        def write(rows: list[tuple]) -> None:
            connection = sqlite3.connect(path)
            with connection:
                connection.executemany(
                    "INSERT INTO activity_events (member_id, platform, place_id, place_kind,"
                    " kind, feature, at) VALUES (?, ?, ?, ?, ?, ?, ?)",
                    [(*r[:6], r[6].strftime("%Y-%m-%d %H:%M:%S.%f")) for r in rows],
                )
            connection.close()

        return write

    import asyncpg

    dsn = url.replace("postgresql+asyncpg", "postgresql")

    def write_pg(rows: list[tuple]) -> None:
        async def copy() -> None:
            connection = await asyncpg.connect(dsn)
            await connection.copy_records_to_table(
                "activity_events",
                records=rows,
                columns=[
                    "member_id",
                    "platform",
                    "place_id",
                    "place_kind",
                    "kind",
                    "feature",
                    "at",
                ],
            )
            await connection.close()

        asyncio.run(copy())

    return write_pg


async def _refresh(url: str) -> tuple[int, float]:
    settings = make_settings(url)
    database = Database(url)
    service = AnalyticsService(settings, database, SystemClock())
    began = time.perf_counter()
    done = await service.refresh()
    took = time.perf_counter() - began
    await database.dispose()
    return done, took


async def _stats_in_process(url: str) -> float:
    settings = make_settings(url)
    database = Database(url)
    service = AnalyticsService(settings, database, SystemClock())
    began = time.perf_counter()
    await service.refresh()
    kpis = await service.kpis(*service.last_days(DAYS))
    json.dumps(kpis_json(kpis, "UTC"))
    took = time.perf_counter() - began
    await database.dispose()
    return took


async def _digest_in_process(url: str) -> list[float]:
    """Assembling the founder's digest (refresh, the three windows' KPIs, anomalies, the
    contributed sections), a daily one twice (the first warms the caches) and a weekly."""
    from bot.app import build_app
    from core.features.digest.compose import assemble

    app = await build_app(make_settings(url), SystemClock(), {}, migrate=False)
    took = []
    for weekly in (False, False, True):
        began = time.perf_counter()
        async with app.services.database.session() as session:
            await assemble(app.services, session, weekly=weekly)
        took.append(time.perf_counter() - began)
    await app.close()
    return took


def speed(url: str, label: str, members: int, events: int) -> None:
    asyncio.run(upgrade(url))
    began = time.perf_counter()
    written = write_activity(url, members, events)
    took = time.perf_counter() - began
    print(f"{label}: wrote {written:,} activity rows for {members:,} members in {took:.0f} s")
    done, took = asyncio.run(_refresh(url))
    rate = done / took
    print(
        f"{label}: rollup sweep over {done:,} rows: {took:.1f} s = {rate:,.0f} events/s (goal 5000)"
    )
    took = asyncio.run(_stats_in_process(url))
    print(
        f"{label}: stats for 90 days in process (refresh + KPIs + JSON): {took:.2f} s (goal <= 2 s)"
    )
    first, daily, weekly = asyncio.run(_digest_in_process(url))
    print(
        f"{label}: assembling the digest: daily {daily:.2f} s (first {first:.2f} s), "
        f"weekly {weekly:.2f} s (goal <= 2 s)"
    )
    with tempfile.TemporaryDirectory() as folder:
        config = Path(folder) / "config.toml"
        config.write_text(f'[database]\nurl = "{url}"\n', encoding="utf-8")
        command = [sys.executable, "-m", "bot.cli", "stats", "--config", str(config), "--json"]
        command += ["--from", str(datetime.now(UTC).date() - timedelta(days=DAYS - 1))]
        began = time.perf_counter()
        subprocess.run(command, check=True, cwd=REPO, stdout=subprocess.DEVNULL)
        whole = time.perf_counter() - began
    print(f"{label}: townhall stats --json for 90 days, the whole command: {whole:.2f} s")
    write_activity_tail(url, members)
    done, took = asyncio.run(_refresh(url))
    rate = done / took
    print(f"{label}: incremental sweep of {done:,} new rows: {took:.2f} s = {rate:,.0f} events/s")


def write_activity_tail(url: str, members: int) -> int:
    now = datetime.now(UTC)
    rows = [
        (
            1 + n % members,
            "discord",
            "general",
            "channel",
            "message",
            "none",
            now - timedelta(seconds=n % 3600),
        )
        for n in range(100_000)
    ]
    _writer(url)(rows)
    return len(rows)


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--members", type=int, default=100_000)
    parser.add_argument("--events", type=int, default=10_000_000)
    parser.add_argument("--community", type=int, default=3_000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="townhall-stats-bench-") as folder:
        asyncio.run(agreement(f"sqlite+aiosqlite:///{folder}/community.db", args.community))
        speed(f"sqlite+aiosqlite:///{folder}/big.db", "SQLite", args.members, args.events)
    postgres = os.environ.get("TOWNHALL_BENCH_POSTGRES_URL") or os.environ.get(
        "TOWNHALL_TEST_POSTGRES_URL"
    )
    if postgres:
        speed(_fresh_postgres(postgres), "PostgreSQL", args.members, args.events)
    else:
        print("PostgreSQL: not available (set TOWNHALL_BENCH_POSTGRES_URL); skipped")
    return 0


def _fresh_postgres(url: str) -> str:
    import asyncpg

    name = f"townhall_stats_bench_{os.getpid()}"
    admin = url.replace("postgresql+asyncpg", "postgresql")

    async def create() -> None:
        connection = await asyncpg.connect(admin)
        await connection.execute(f'DROP DATABASE IF EXISTS "{name}"')
        await connection.execute(f'CREATE DATABASE "{name}"')
        await connection.close()

    asyncio.run(create())
    return url.rsplit("/", 1)[0] + f"/{name}"


if __name__ == "__main__":
    with contextlib.suppress(KeyboardInterrupt):
        sys.exit(main())
