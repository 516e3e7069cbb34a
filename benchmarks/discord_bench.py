"""Discord broadcast benchmark: 10,000 DMs through the real dispatcher and discord.py.

The loopback Discord (tests/fakes/discord_api.py) answers a global 429 past 50 requests in
any second, as Discord does. The adapter should keep close to that (at least 90 % of 50
requests a second) without earning one. Most recipients have written to the bot before, so
their DM channel is remembered (one request a DM); one in ten has not (the first DM opens the
channel: two requests).

Usage::

    python benchmarks/discord_bench.py [--messages 10000]
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

from adapters.discord.adapter import DiscordAdapter  # noqa: E402
from bot.app import build_registry  # noqa: E402
from bot.migrate import upgrade  # noqa: E402
from core.clock import SystemClock  # noqa: E402
from core.db.engine import Database  # noqa: E402
from core.dispatcher import Dispatcher  # noqa: E402
from core.events import Actor, IncomingEvent, OutgoingMessage, Platform, Visibility  # noqa: E402
from core.members import service as members  # noqa: E402
from core.outbox import enqueue  # noqa: E402
from core.render import Renderer  # noqa: E402
from core.settings import Settings  # noqa: E402
from tests.fakes.discord_api import FakeDiscord  # noqa: E402

LIMIT = 50
FIRST_USER = 1_400_000_000_000_000_000
NEW_EVERY = 10


async def nothing(_: IncomingEvent) -> list[OutgoingMessage]:
    return []


async def queue(database: Database, fake: FakeDiscord, count: int, clock: SystemClock) -> None:
    async with database.session() as session:
        for n in range(count):
            user = str(FIRST_USER + n)
            known = n % NEW_EVERY != 0
            chat = fake.open_dm(user) if known else None
            actor = Actor(Platform.DISCORD, user, f"member {n}")
            await members.resolve(session, actor, clock.now(), dm_chat_id=chat)
            message = OutgoingMessage(
                Platform.DISCORD,
                f"Reminder {n}: the community call starts in one hour.",
                user_id=user,
                visibility=Visibility.PRIVATE,
                dm_chat_id=chat,
            )
            await enqueue(session, message, key=f"bench:{n}", now=clock.now())
        await session.commit()


async def bench(count: int) -> bool:
    with tempfile.TemporaryDirectory() as folder:
        url = f"sqlite+aiosqlite:///{folder}/bench.db"
        await upgrade(url)
        database = Database(url)
        clock = SystemClock()
        fake = FakeDiscord()
        await fake.start()
        await queue(database, fake, count, clock)
        settings = Settings.model_validate(
            {
                "database": {"url": url},
                "discord": {
                    "enabled": True,
                    "token": "fake-token",
                    "api_base_url": fake.api_base_url,
                    "gateway_url": fake.gateway_url,
                    "guild_ready_timeout": 0.1,
                },
            }
        )
        adapter = DiscordAdapter(settings, build_registry(), Renderer())
        await adapter.start(nothing)
        dispatcher = Dispatcher(database, clock, {Platform.DISCORD: adapter})
        before = len(fake.calls)
        started = time.monotonic()
        runner = asyncio.create_task(dispatcher.run())
        try:
            async with asyncio.timeout(count * 2 / LIMIT * 3 + 30):
                await fake.wait_for(
                    lambda: len(fake.calls_to("POST", r"/channels/\d+/messages")) >= count,
                    seconds=None,
                )
        finally:
            runner.cancel()
            await asyncio.gather(runner, return_exceptions=True)
            await adapter.stop()
            await fake.stop()
            await database.dispose()
        wall = time.monotonic() - started
    calls = fake.calls[before:]
    opened = sum(c.path == "/users/@me/channels" for c in calls)
    rate = len(calls) / wall
    share = rate / LIMIT
    print(f"DMs:                 {count} ({opened} DM channels opened, the rest remembered)")
    print(f"requests:            {len(calls)} in {wall:.1f} s")
    print(f"achieved rate:       {rate:.1f} requests/s, {count / wall:.1f} DMs/s")
    print(f"share of 50/s limit: {share:.0%}  (target >= 90%)")
    print(f"429 answers:         {fake.global_429s}  (target 0)")
    ok = share >= 0.9 and fake.global_429s == 0
    print("result:              " + ("OK" if ok else "BELOW TARGET"))
    return ok


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--messages", type=int, default=10_000)
    args = parser.parse_args()
    os.environ.setdefault("NO_PROXY", "127.0.0.1")
    os.environ.setdefault("no_proxy", "127.0.0.1")
    return 0 if asyncio.run(bench(args.messages)) else 1


if __name__ == "__main__":
    sys.exit(main())
