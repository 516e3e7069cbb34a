"""Events benchmark: an RSVP press to its card update queued, and one reminder sweep.

1. 1,000 members answer an event with a card in two announce places, one press each; the
   figure is the time from a press arriving to the app having queued its card edit (or
   marked the card for the next edit), p50 and p99. Goal: p99 at most 50 ms.
2. 10,000 members going to an event get its 24 h reminder: the time one sweep takes to
   queue them all in the outbox. Goal: at most 2 s.

Usage::

    python benchmarks/events_bench.py [--members 1000] [--going 10000]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
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
from core.events import Actor, EventKind, IncomingEvent, Place, PlaceKind, Platform, Role  # noqa: E402
from core.features.events.models import Event, Rsvp  # noqa: E402
from core.members.models import Identity, Member  # noqa: E402
from core.outbox import OutboxMessage  # noqa: E402
from tests.conftest import make_settings  # noqa: E402
from tests.fakes.fake_adapter import FakeAdapter  # noqa: E402

START = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)
EVENTS = {"announce_places": ["telegram:-100200", "discord:300"]}


async def presses(folder: Path, count: int) -> None:
    url = f"sqlite+aiosqlite:///{folder}/presses.db"
    await upgrade(url)
    clock = ManualClock(START)
    fakes = {
        Platform.TELEGRAM: FakeAdapter(Platform.TELEGRAM),
        Platform.DISCORD: FakeAdapter(Platform.DISCORD),
    }
    empty = folder / "kb-presses"
    empty.mkdir()
    app = await build_app(make_settings(url, empty, events=EVENTS), clock, fakes, migrate=False)
    organiser = Actor(Platform.TELEGRAM, "1", "Ana", role=Role.MODERATOR)
    group = Place(Platform.TELEGRAM, "-100200", PlaceKind.GROUP)
    await app.handle(
        IncomingEvent(
            "create",
            EventKind.COMMAND,
            organiser,
            group,
            START,
            command="event",
            arg_text="create conference Summit | 2026-11-30 18:00 | cap 500",
        )
    )
    await app.dispatcher.dispatch_due()
    timings = []
    for n in range(count):
        clock.advance(timedelta(milliseconds=60))
        event = IncomingEvent(
            f"press-{n}",
            EventKind.ACTION,
            Actor(Platform.TELEGRAM, str(1000 + n), f"m{n}"),
            group,
            clock.now(),
            action_id="ev.rsvp",
            action_arg="1:going" if n % 3 else "1:maybe",
        )
        began = time.perf_counter()
        await app.handle(event)
        timings.append((time.perf_counter() - began) * 1000)
        if n % 100 == 0:
            await app.tick()
    async with app.services.database.session() as session:
        edits = await session.scalar(
            select(func.count()).where(OutboxMessage.idempotency_key.like("event:1:card:%:v%"))
        )
    await app.close()
    timings.sort()
    p99 = timings[int(len(timings) * 0.99) - 1]
    print(
        f"press → card update queued, {count} members: p50 {statistics.median(timings):.1f} ms, "
        f"p99 {p99:.1f} ms (goal ≤ 50 ms); {edits} card edits for {count} presses "
        f"over {count * 0.06:.0f} s in 2 places"
    )


async def reminders(folder: Path, going: int) -> None:
    url = f"sqlite+aiosqlite:///{folder}/reminders.db"
    await upgrade(url)
    starts = START + timedelta(days=2)
    clock = ManualClock(starts - timedelta(hours=23))
    empty = folder / "kb-reminders"
    empty.mkdir()
    app = await build_app(
        make_settings(url, empty), clock, {Platform.TELEGRAM: FakeAdapter()}, migrate=False
    )
    async with app.services.database.session() as session:
        event = Event(
            kind="webinar",
            title="Launch",
            starts_at=starts,
            ends_at=starts + timedelta(hours=1),
            timezone="Europe/Berlin",
            locale="en",
            created_at=START,
        )
        session.add(event)
        await session.flush()
        await session.execute(
            insert(Member),
            [
                {
                    "id": n + 1,
                    "display_name": f"m{n}",
                    "created_at": START,
                    "last_seen_at": START,
                    "dm_opt_out": False,
                }
                for n in range(going)
            ],
        )
        await session.execute(
            insert(Identity),
            [
                {
                    "member_id": n + 1,
                    "platform": "telegram",
                    "platform_user_id": str(10_000 + n),
                    "display_name": f"m{n}",
                    "created_at": START,
                }
                for n in range(going)
            ],
        )
        await session.execute(
            insert(Rsvp),
            [
                {
                    "event_id": event.id,
                    "member_id": n + 1,
                    "status": "going",
                    "answered_at": START,
                    "queued_at": START,
                }
                for n in range(going)
            ],
        )
        await session.commit()
    began, cpu = time.perf_counter(), time.process_time()
    queued = await app.sweeper.run("events.reminders")
    seconds, cpu = time.perf_counter() - began, time.process_time() - cpu
    await app.close()
    print(
        f"reminders for {going} going members: {queued} queued by one sweep in {seconds:.2f} s "
        f"(goal ≤ 2 s; {cpu:.2f} s of it on this process's CPU, load {os.getloadavg()[0]:.1f} "
        f"on {os.cpu_count()} cores)"
    )


async def main(members: int, going: int) -> None:
    with tempfile.TemporaryDirectory(prefix="events-bench-") as folder:
        await presses(Path(folder), members)
        await reminders(Path(folder), going)


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--members", type=int, default=1000)
    parser.add_argument("--going", type=int, default=10_000)
    options = parser.parse_args()
    asyncio.run(main(options.members, options.going))
