"""Reputation benchmark: what counting an ordinary group message adds to handling it.

The same run of group messages (distinct texts from 200 members, a few seconds apart) goes
through two apps, one with ``[reputation] enabled`` false and one with true, message by
message in turn; the figures are p50 and p99 of one message's handling in each, the
difference, and the SQL statements a message costs once every member has been seen (a count
a busy machine cannot blur). Goal (issue 15): at most 1 ms added at p99.

Usage::

    python benchmarks/reputation_bench.py [--messages 500]
"""

from __future__ import annotations

import argparse
import asyncio
import random
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from sqlalchemy import event  # noqa: E402

from bot.app import App, build_app  # noqa: E402
from bot.migrate import upgrade  # noqa: E402
from core.clock import ManualClock  # noqa: E402
from core.events import Actor, EventKind, IncomingEvent, Place, PlaceKind, Platform  # noqa: E402
from tests.conftest import make_settings  # noqa: E402
from tests.fakes.fake_adapter import FakeAdapter  # noqa: E402

START = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)
MEMBERS = 200
WORDS = [
    "release",
    "docs",
    "api",
    "token",
    "login",
    "server",
    "deploy",
    "cache",
    "query",
    "index",
    "schema",
    "backup",
]


async def build(folder: Path, enabled: bool) -> tuple[App, ManualClock, list[int]]:
    """An app on its own database; the list counts the statements its engine runs."""
    url = f"sqlite+aiosqlite:///{folder}/rep-{enabled}.db"
    await upgrade(url)
    clock = ManualClock(START)
    empty = folder / f"kb-{enabled}"
    empty.mkdir()
    settings = make_settings(url, empty, reputation={"enabled": enabled})
    fake = FakeAdapter(Platform.TELEGRAM)
    app = await build_app(settings, clock, {Platform.TELEGRAM: fake}, migrate=False)
    statements = [0]

    def count(*_: object) -> None:
        statements[0] += 1

    event.listen(app.services.database.engine.sync_engine, "before_cursor_execute", count)
    return app, clock, statements


async def run(folder: Path, count: int) -> dict[bool, tuple[list[float], float]]:
    """Both apps take the same messages in turn, so a busy machine slows both alike: per
    setting, each message's handling in ms and the statements per message once warm."""
    apps = {enabled: await build(folder, enabled) for enabled in (False, True)}
    group = Place(Platform.TELEGRAM, "-100200", PlaceKind.GROUP)
    draw = random.Random(10)
    timings: dict[bool, list[float]] = {False: [], True: []}
    warm: dict[bool, int] = {}
    for n in range(count):
        text = " ".join(draw.sample(WORDS, 5))
        if n == MEMBERS:
            warm = {enabled: statements[0] for enabled, (_, _, statements) in apps.items()}
        for enabled, (app, clock, _) in apps.items():
            clock.advance(timedelta(seconds=3))
            event = IncomingEvent(
                f"m-{n}",
                EventKind.MESSAGE,
                Actor(Platform.TELEGRAM, str(1000 + n % MEMBERS), f"m{n % MEMBERS}"),
                group,
                clock.now(),
                text=text,
                message_id=str(n),
            )
            began = time.perf_counter()
            await app.handle(event)
            timings[enabled].append((time.perf_counter() - began) * 1000)
    result = {}
    for enabled, (app, _, statements) in apps.items():
        result[enabled] = (timings[enabled], (statements[0] - warm[enabled]) / (count - MEMBERS))
        await app.close()
    return result


def p99(values: list[float]) -> float:
    return statistics.quantiles(values, n=100)[98]


async def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--messages", type=int, default=500)
    count = parser.parse_args().messages
    with tempfile.TemporaryDirectory() as folder:
        result = await run(Path(folder), count)
    for name, (timings, statements) in (
        ("reputation off", result[False]),
        ("reputation on", result[True]),
    ):
        print(
            f"{name}: {count} group messages, p50 {statistics.median(timings):.2f} ms, "
            f"p99 {p99(timings):.2f} ms, {statements:.1f} SQL statements a message once warm"
        )
    added = p99(result[True][0]) - p99(result[False][0])
    print(f"added by reputation at p99: {added:.2f} ms (goal: at most 1 ms)")


if __name__ == "__main__":
    asyncio.run(main())
