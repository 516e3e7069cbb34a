"""Discord's global limit and invalid-request budget, through the real discord.py.

The loopback Discord answers a global 429 past 50 requests in any second, as Discord does.
A broadcast goes through the outbox and the adapter: it must earn no 429, open each member's
DM channel once, and stop sending to members whose DMs are closed after their first refusal.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass

import pytest
import pytest_asyncio
from sqlalchemy import select

from adapters.discord.adapter import DiscordAdapter
from bot.app import App
from core.events import Actor, OutgoingMessage, Platform, Visibility
from core.members import service as members
from core.members.models import Identity
from core.outbox import OutboxMessage, enqueue
from tests.contract.conftest import running
from tests.fakes.discord_api import FakeDiscord

pytestmark = pytest.mark.asyncio(loop_scope="module")

FIRST_USER = 1_300_000_000_000_000_000
CLOSED_FROM = FIRST_USER + 10_000


@dataclass
class Setup:
    fake: FakeDiscord
    app: App
    adapter: DiscordAdapter


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def setup(tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[Setup]:
    fake = FakeDiscord()
    await fake.start()
    try:
        async with running(tmp_path_factory.mktemp("discord-limits"), discord=fake) as run:
            assert run.discord is not None
            yield Setup(fake, run.app, run.discord)
    finally:
        await fake.stop()


async def _broadcast(app: App, users: list[str], per_user: int, tag: str) -> None:
    """``per_user`` DMs to each account, as the notifier queues them (no DM chat known)."""
    now = app.services.clock.now()
    async with app.services.database.session() as session:
        for user in users:
            actor = Actor(Platform.DISCORD, user, f"member {user[-4:]}")
            await members.resolve(session, actor, now)
        for n in range(per_user):
            for user in users:
                message = OutgoingMessage(
                    Platform.DISCORD,
                    f"Reminder {n}: the community call starts soon.",
                    user_id=user,
                    visibility=Visibility.PRIVATE,
                )
                await enqueue(session, message, key=f"{tag}:{user}:{n}", now=now)
        await session.commit()


async def _drain(app: App) -> list[OutboxMessage]:
    """Dispatch until no row is pending; every row, in order."""
    while True:
        await app.dispatcher.dispatch_due()
        async with app.services.database.session() as session:
            rows = list(await session.scalars(select(OutboxMessage).order_by(OutboxMessage.id)))
        if all(row.status != "pending" for row in rows):
            return rows


async def test_a_broadcast_earns_no_429_and_opens_each_dm_channel_once(setup: Setup) -> None:
    # More members than the 128 DM channels discord.py keeps: the database remembers the rest.
    users = [str(FIRST_USER + n) for n in range(130)]
    await _broadcast(setup.app, users, per_user=2, tag="call")
    rows = await _drain(setup.app)
    assert setup.fake.global_429s == 0
    assert [r.status for r in rows if r.idempotency_key.startswith("call:")] == ["sent"] * 260
    opened = setup.fake.calls_to("POST", "/users/@me/channels")
    assert len(opened) == 130, "the second DM to a member goes to the remembered channel"
    posts = setup.fake.calls_to("POST", r"/channels/\d+/messages")
    assert sorted(setup.fake.dm_user(c.path.split("/")[2]) for c in posts) == sorted(users * 2)
    async with setup.app.services.database.session() as session:
        remembered = await members.dm_chats(session, Platform.DISCORD, users)
    assert remembered == {u: setup.fake.dm_channel_of(u) for u in users}


async def test_2000_sends_to_closed_dms_cost_one_refusal_per_member(setup: Setup) -> None:
    closed = [str(CLOSED_FROM + n) for n in range(100)]
    setup.fake.closed_dms.update(closed)
    refused_before = setup.adapter.requests.invalid.count
    await _broadcast(setup.app, closed, per_user=20, tag="closed")
    rows = [r for r in await _drain(setup.app) if r.idempotency_key.startswith("closed:")]
    assert len(rows) == 2000 and {r.status for r in rows} == {"failed"}
    refusals = [c for c in setup.fake.calls if c.status == 403]
    assert len(refusals) == 100, "after a member's first 50007 their other DMs are not tried"
    counted = setup.adapter.requests.invalid.count - refused_before
    assert counted == 100, "far below the 10,000 that bring Discord's ban"
    assert setup.fake.global_429s == 0
    async with setup.app.services.database.session() as session:
        unreachable = await session.scalars(
            select(Identity.platform_user_id).where(Identity.unreachable_at.is_not(None))
        )
        assert sorted(unreachable) == closed
