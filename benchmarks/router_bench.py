"""Router benchmark: ordinary group messages (neither a command nor a question) on SQLite.

Most of what a community says is chatter the bot only notes. Each message goes through the
whole app in one process (member lookup, every feature's look at it, the activity log
flushed in the background as in ``townhall run``), once with ``[reputation] enabled`` false
and once true. Printed for each: the messages handled a second with 16 in flight (goal: at
least 2,000), p50 and p99 from a message's arrival to its handling when 500 a second arrive
on a steady clock (goal: p99 at most 20 ms), and where the time goes: SQL statements and
commits per message, counted on the engine.

Usage::

    python benchmarks/router_bench.py [--members 200] [--messages 4000] [--profile]
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import cProfile
import pstats
import statistics
import sys
import tempfile
import time
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import event as sa_event

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from bot.app import App, build_app  # noqa: E402
from bot.migrate import upgrade  # noqa: E402
from core.clock import SystemClock  # noqa: E402
from core.events import Actor, EventKind, IncomingEvent, Place, PlaceKind, Platform  # noqa: E402
from tests.conftest import make_settings  # noqa: E402

IN_FLIGHT = 16
OFFERED = 500
ENGLISH = (
    "nice one",
    "haha same here",
    "good morning all",
    "see you at the call",
    "thanks, that worked",
    "I'll be late today",
    "lol",
)
CHINESE = ("大家早上好", "好的，谢谢", "我晚点到", "哈哈")
GROUP = Place(Platform.TELEGRAM, "-100200300", PlaceKind.GROUP)


def event(n: int, members: int) -> IncomingEvent:
    user = str(10_000 + n % members)
    lines = CHINESE if n % members % 8 == 0 else ENGLISH  # one member in eight writes Chinese
    return IncomingEvent(
        event_id=f"bench-{n}",
        kind=EventKind.MESSAGE,
        actor=Actor(Platform.TELEGRAM, user, f"Member {user}"),
        place=GROUP,
        received_at=datetime.now(UTC),
        message_id=str(n),
        text=lines[(n // members) % len(lines)],
    )


class Statements:
    """SQL statements and commits the engine runs, for "where the time goes"."""

    def __init__(self, app: App) -> None:
        self.counts: Counter[str] = Counter()
        engine = app.services.database.engine.sync_engine
        sa_event.listen(engine, "before_cursor_execute", self._statement)
        sa_event.listen(engine, "commit", self._commit)

    def _statement(self, _conn: Any, _cursor: Any, sql: str, *_args: Any) -> None:
        self.counts[sql.split(None, 1)[0].upper()] += 1

    def _commit(self, _conn: Any) -> None:
        self.counts["COMMIT"] += 1

    def reset(self) -> Counter[str]:
        counts, self.counts = self.counts, Counter()
        return counts


async def throughput(app: App, start: int, count: int, members: int) -> float:
    """Messages a second with ``IN_FLIGHT`` handled at once."""
    numbers = iter(range(start, start + count))

    async def worker() -> None:
        for n in numbers:
            await app.handle(event(n, members))

    began = time.perf_counter()
    await asyncio.gather(*(worker() for _ in range(IN_FLIGHT)))
    return count / (time.perf_counter() - began)


async def latencies(app: App, start: int, count: int, members: int) -> list[float]:
    """Milliseconds from each message's due time to its handling, at ``OFFERED`` a second."""
    out: list[float] = []
    began = time.perf_counter()

    async def one(n: int, due: float) -> None:
        await app.handle(event(n, members))
        out.append((time.perf_counter() - due) * 1000)

    tasks = []
    for k in range(count):
        due = began + k / OFFERED
        delay = due - time.perf_counter()
        if delay > 0:
            await asyncio.sleep(delay)
        tasks.append(asyncio.create_task(one(start + k, due)))
    await asyncio.gather(*tasks)
    return out


async def bench(folder: Path, members: int, count: int, reputation: bool, profile: bool) -> None:
    url = f"sqlite+aiosqlite:///{folder}/bench-{reputation}.db"
    await upgrade(url)
    empty = folder / f"kb-{reputation}"
    empty.mkdir()
    settings = make_settings(url, empty, reputation={"enabled": reputation})
    app = await build_app(settings, SystemClock(), {}, migrate=False)
    statements = Statements(app)
    flusher = asyncio.create_task(app.services.activity.run())
    profiler = cProfile.Profile() if profile else None
    try:
        await throughput(app, 0, members, members)  # every member seen once, as in a day
        statements.reset()
        if profiler:
            profiler.enable()
        rate = await throughput(app, members, count, members)
        if profiler:
            profiler.disable()
        per_message = statements.reset()
        timings = await latencies(app, members + count, count, members)
    finally:
        flusher.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await flusher
        await app.close()
    p99 = statistics.quantiles(timings, n=100)[98]
    name = "reputation on" if reputation else "reputation off"
    print(
        f"{name}: {rate:,.0f} ordinary messages/s with {IN_FLIGHT} in flight (goal >= 2,000); "
        f"at {OFFERED}/s offered: p50 {statistics.median(timings):.1f} ms, "
        f"p99 {p99:.1f} ms (goal <= 20 ms)"
    )
    spent = ", ".join(f"{n / count:.2f} {kind}" for kind, n in sorted(per_message.items()))
    print(f"  per message: {spent or 'no SQL'}")
    if profiler:
        pstats.Stats(profiler).sort_stats("cumulative").print_stats(25)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--members", type=int, default=200)
    parser.add_argument("--messages", type=int, default=4000)
    parser.add_argument("--profile", action="store_true", help="cProfile the throughput run")
    options = parser.parse_args()

    async def both() -> None:
        with tempfile.TemporaryDirectory() as folder:
            for reputation in (False, True):
                await bench(Path(folder), options.members, options.messages, reputation, False)
            if options.profile:
                profiled = Path(folder) / "profiled"
                profiled.mkdir()
                await bench(profiled, options.members, options.messages, False, True)

    asyncio.run(both())


if __name__ == "__main__":
    main()
