"""Outbox benchmark: 2,000 DMs through the real dispatcher and Telegram adapter.

The loopback Telegram (tests/fakes/telegram_api.py) enforces the Bot API's bulk limit of 30
messages a second and answers anything faster with a 429. The dispatcher should keep close
to that limit (at least 90 %) without ever earning a 429.

Usage::

    python benchmarks/outbox_bench.py [--messages 2000]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from adapters.telegram.adapter import TelegramAdapter  # noqa: E402
from bot.features import build_registry  # noqa: E402
from bot.migrate import upgrade  # noqa: E402
from core.clock import SystemClock  # noqa: E402
from core.db.engine import Database  # noqa: E402
from core.dispatcher import Dispatcher  # noqa: E402
from core.events import IncomingEvent, OutgoingMessage, Platform, Visibility  # noqa: E402
from core.outbox import enqueue  # noqa: E402
from core.render import Renderer  # noqa: E402
from core.settings import Settings  # noqa: E402
from tests.fakes.telegram_api import TOKEN, TelegramFake  # noqa: E402

LIMIT = 30
FIRST_USER = 50_000_000


async def nothing(_: IncomingEvent) -> list[OutgoingMessage]:
    return []


async def queue(database: Database, count: int, clock: SystemClock) -> None:
    async with database.session() as session:
        for n in range(count):
            user = str(FIRST_USER + n)
            message = OutgoingMessage(
                Platform.TELEGRAM,
                f"Reminder {n}: the community call starts in one hour.",
                chat_id=user,
                user_id=user,
                visibility=Visibility.PRIVATE,
            )
            await enqueue(session, message, key=f"bench:{n}", now=clock.now())
        await session.commit()


async def bench(count: int) -> bool:
    with tempfile.TemporaryDirectory() as folder:
        url = f"sqlite+aiosqlite:///{folder}/bench.db"
        await upgrade(url)
        database = Database(url)
        clock = SystemClock()
        await queue(database, count, clock)
        async with TelegramFake(rate_limit_per_second=LIMIT) as fake:
            settings = Settings.model_validate(
                {
                    "database": {"url": url},
                    "telegram": {"enabled": True, "token": TOKEN, "base_url": fake.base_url},
                }
            )
            adapter = TelegramAdapter(settings, build_registry(), Renderer())
            await adapter.start(nothing)
            dispatcher = Dispatcher(database, clock, {Platform.TELEGRAM: adapter})
            started = time.monotonic()
            runner = asyncio.create_task(dispatcher.run())
            try:
                async with asyncio.timeout(count / LIMIT * 3 + 30):
                    while len(fake.sent) < count:
                        fake.changed.clear()
                        await fake.changed.wait()
            finally:
                runner.cancel()
                await asyncio.gather(runner, return_exceptions=True)
                await adapter.stop()
                await database.dispose()
            wall = time.monotonic() - started
            accepted = [c.at for c in fake.calls if c.method == "sendMessage" and c.status == 200]
            first_to_last = accepted[-1] - accepted[0]
            refused = fake.count_429
    rate = count / wall
    share = rate / LIMIT
    print(f"messages:            {count}")
    print(f"wall time:           {wall:.1f} s (first to last send {first_to_last:.1f} s)")
    print(f"achieved rate:       {rate:.1f} msgs/s")
    print(f"share of 30/s limit: {share:.0%}  (target >= 90%)")
    print(f"429 answers:         {refused}  (target 0)")
    ok = share >= 0.9 and refused == 0
    print("result:              " + ("OK" if ok else "BELOW TARGET"))
    return ok


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--messages", type=int, default=2000)
    args = parser.parse_args()
    os.environ.setdefault("NO_PROXY", "127.0.0.1")
    os.environ.setdefault("no_proxy", "127.0.0.1")
    return 0 if asyncio.run(bench(args.messages)) else 1


if __name__ == "__main__":
    sys.exit(main())
