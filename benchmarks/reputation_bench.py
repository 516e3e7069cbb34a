"""Reputation benchmark: what counting an ordinary group message adds to handling it.

The same run of group messages (distinct texts from 200 members, a few seconds apart) goes
through the whole app twice, with ``[reputation] enabled`` false and true; the figures are
p50 and p99 of one message's handling in each, and the difference. Goal (issue 15): at most
1 ms added at p99.

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

from bot.app import build_app  # noqa: E402
from bot.migrate import upgrade  # noqa: E402
from core.clock import ManualClock  # noqa: E402
from core.events import Actor, EventKind, IncomingEvent, Place, PlaceKind, Platform  # noqa: E402
from tests.conftest import make_settings  # noqa: E402
from tests.fakes.fake_adapter import FakeAdapter  # noqa: E402

START = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)
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


async def run(folder: Path, count: int, enabled: bool) -> list[float]:
    url = f"sqlite+aiosqlite:///{folder}/rep-{enabled}.db"
    await upgrade(url)
    clock = ManualClock(START)
    fake = FakeAdapter(Platform.TELEGRAM)
    empty = folder / f"kb-{enabled}"
    empty.mkdir()
    settings = make_settings(url, empty, reputation={"enabled": enabled})
    app = await build_app(settings, clock, {Platform.TELEGRAM: fake}, migrate=False)
    group = Place(Platform.TELEGRAM, "-100200", PlaceKind.GROUP)
    draw = random.Random(10)
    timings = []
    for n in range(count):
        clock.advance(timedelta(seconds=3))
        event = IncomingEvent(
            f"m-{n}",
            EventKind.MESSAGE,
            Actor(Platform.TELEGRAM, str(1000 + n % 200), f"m{n % 200}"),
            group,
            clock.now(),
            text=" ".join(draw.sample(WORDS, 5)),
            message_id=str(n),
        )
        began = time.perf_counter()
        await app.handle(event)
        timings.append((time.perf_counter() - began) * 1000)
    await app.close()
    return timings


def p99(values: list[float]) -> float:
    return statistics.quantiles(values, n=100)[98]


async def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--messages", type=int, default=500)
    count = parser.parse_args().messages
    with tempfile.TemporaryDirectory() as folder:
        off = await run(Path(folder), count, enabled=False)
        on = await run(Path(folder), count, enabled=True)
    for name, timings in (("reputation off", off), ("reputation on", on)):
        print(
            f"{name}: {count} group messages, p50 {statistics.median(timings):.2f} ms, "
            f"p99 {p99(timings):.2f} ms"
        )
    added = p99(on) - p99(off)
    print(f"added by reputation at p99: {added:.2f} ms (goal: at most 1 ms)")


if __name__ == "__main__":
    asyncio.run(main())
