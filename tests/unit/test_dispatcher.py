"""The dispatcher's pacing: several sends in flight, within limits, a chat's messages in order."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from dataclasses import dataclass, field

from sqlalchemy import select

from bot.app import App
from core.dispatcher import Dispatcher
from core.events import DeliveryFailure, OutgoingMessage, Platform, Receipt, Visibility
from core.outbox import OutboxMessage, enqueue
from core.ratelimit import Limit, Pacing, SlidingWindow
from tests.fakes.fake_adapter import FakeAdapter


@dataclass
class HeldSender(FakeAdapter):
    """Sends wait for ``release``, so a test can see how many are in flight at once."""

    release: asyncio.Event = field(default_factory=asyncio.Event)
    in_flight: int = 0
    most_in_flight: int = 0
    changed: asyncio.Condition = field(default_factory=asyncio.Condition)

    async def send(self, message: OutgoingMessage) -> Receipt:
        async with self.changed:
            self.in_flight += 1
            self.most_in_flight = max(self.most_in_flight, self.in_flight)
            self.changed.notify_all()
        await self.release.wait()
        self.in_flight -= 1
        return await super().send(message)

    async def until(self, condition: Callable[[], bool]) -> None:
        async with asyncio.timeout(10), self.changed:
            await self.changed.wait_for(condition)


async def _queue(app: App, *chats: str) -> None:
    async with app.services.database.session() as session:
        for n, chat in enumerate(chats):
            message = OutgoingMessage(
                Platform.TELEGRAM, f"{chat}{n}", chat_id=chat, visibility=Visibility.PRIVATE
            )
            await enqueue(session, message, key=f"k{n}", now=app.services.clock.now())
        await session.commit()


async def _rows(app: App) -> list[OutboxMessage]:
    async with app.services.database.session() as session:
        return list(await session.scalars(select(OutboxMessage).order_by(OutboxMessage.id)))


def _dispatcher(app: App, sender: FakeAdapter, concurrency: int) -> Dispatcher:
    return Dispatcher(
        app.services.database,
        app.services.clock,
        {Platform.TELEGRAM: sender},
        concurrency=concurrency,
    )


async def test_several_sends_are_in_flight_at_once_but_no_more_than_allowed(app: App) -> None:
    sender = HeldSender()
    dispatcher = _dispatcher(app, sender, concurrency=3)
    await _queue(app, "a", "b", "c", "d", "e")
    passing = asyncio.create_task(dispatcher.dispatch_due())
    await sender.until(lambda: sender.in_flight == 3)
    sender.release.set()
    sent, _ = await passing
    assert sent == 5
    assert sender.most_in_flight == 3
    assert [row.status for row in await _rows(app)] == ["sent"] * 5


async def test_a_chat_gets_one_message_per_pass_and_keeps_their_order(app: App) -> None:
    sender = FakeAdapter(per_chat_limit=Limit(10, 1.0))
    dispatcher = _dispatcher(app, sender, concurrency=8)
    await _queue(app, "a", "a", "b", "a")
    assert (await dispatcher.dispatch_due())[0] == 2
    assert [m.text for m in sender.sent] == ["a0", "b2"]
    waiting = [row for row in await _rows(app) if row.status == "pending"]
    assert [(row.chat_id, row.locked_until) for row in waiting] == [("a", None), ("a", None)]
    await dispatcher.dispatch_due()
    await dispatcher.dispatch_due()
    assert [m.text for m in sender.sent] == ["a0", "b2", "a1", "a3"]


async def test_stop_lets_the_send_in_flight_finish_and_leaves_the_rest_pending(
    app: App,
) -> None:
    sender = HeldSender()
    dispatcher = _dispatcher(app, sender, concurrency=1)
    await _queue(app, "a", "b", "c")
    running = asyncio.create_task(dispatcher.run())
    await sender.until(lambda: sender.in_flight == 1)
    dispatcher.stop()
    sender.release.set()
    async with asyncio.timeout(10):
        await running
    rows = await _rows(app)
    assert [(r.status, r.attempts, r.locked_until) for r in rows] == [
        ("sent", 1, None),
        ("pending", 0, None),
        ("pending", 0, None),
    ]


def test_an_even_limit_spaces_events_and_keeps_its_beat_when_one_is_late() -> None:
    now = [0.0]
    window = SlidingWindow(Limit(4, 1.0, even=True), lambda: now[0])
    window.take()
    assert window.wait_time() == 0.25
    now[0] = 0.26
    window.take()
    now[0] = 0.5
    assert window.wait_time() == 0.0, "a late event does not delay the next one"
    uneven = SlidingWindow(Limit(4, 1.0), lambda: now[0])
    for _ in range(4):
        assert uneven.wait_time() == 0.0
        uneven.take()
    assert uneven.wait_time() == 1.0


async def test_rows_behind_a_429_are_left_unlocked_until_the_pause_ends(
    app: App, fake: FakeAdapter
) -> None:
    now = [0.0]
    fake.pacing = Pacing(Limit(1000, 1.0), now=lambda: now[0])
    dispatcher = Dispatcher(
        app.services.database, app.services.clock, {Platform.TELEGRAM: fake}, concurrency=1
    )
    fake.fail_next(DeliveryFailure.RATE_LIMITED, retry_after=30)
    await _queue(app, "a", "b", "c")
    sent, retry_in = await dispatcher.dispatch_due()
    assert (sent, retry_in) == (0, 30), "no send waits 30 s inside a pass"
    rows = await _rows(app)
    assert [(r.status, r.attempts, r.locked_until) for r in rows[1:]] == [("pending", 0, None)] * 2
    now[0] = 30
    assert (await dispatcher.dispatch_due())[0] == 2
