"""Sends what the outbox holds, within the platforms' limits, and records every outcome.

Rows are claimed with a short lease, so a crash mid-send leaves them to be retried after a
restart rather than lost. A 429 is waited out as the platform asks; a 5xx or timeout backs
off exponentially; a member who blocked the bot is marked unreachable and the row is kept
as failed with the reason.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import random
import time
from collections.abc import Callable, Mapping
from datetime import timedelta

from sqlalchemy import or_, select

from core.clock import Clock
from core.db.engine import Database
from core.events import DeliveryFailure, Platform, Receipt
from core.features.members.service import mark_unreachable
from core.outbox import OutboxMessage, OutboxStatus, Sender, from_row
from core.ratelimit import KeyedWindows, Limit, SlidingWindow

log = logging.getLogger(__name__)

LEASE = timedelta(seconds=60)
MAX_BACKOFF = timedelta(minutes=30)


def backoff(attempts: int, base: float = 2.0) -> timedelta:
    """2 s, 4 s, 8 s... capped, with jitter so retries from many rows do not align."""
    seconds = min(base * 2 ** (attempts - 1), MAX_BACKOFF.total_seconds())
    return timedelta(seconds=seconds * random.uniform(0.8, 1.2))


class Dispatcher:
    def __init__(
        self,
        database: Database,
        clock: Clock,
        senders: Mapping[Platform, Sender],
        *,
        max_attempts: int = 8,
        batch_size: int = 100,
        monotonic: Callable[[], float] = time.monotonic,
    ) -> None:
        """``clock`` schedules retries in business time; ``monotonic`` paces the platform
        limits in real seconds (tests pass a hand-moved one)."""
        self._database = database
        self._clock = clock
        self._senders = dict(senders)
        self._max_attempts = max_attempts
        self._batch_size = batch_size
        self._monotonic = monotonic
        self._overall = {
            p: SlidingWindow(s.overall_limit, monotonic) for p, s in self._senders.items()
        }
        self._keyed: dict[tuple[Platform, Limit], KeyedWindows] = {}
        self._wake = asyncio.Event()

    def add(self, platform: Platform, sender: Sender) -> None:
        """Adapters are built after the core (they need its registry), then join here."""
        self._senders[platform] = sender
        self._overall[platform] = SlidingWindow(sender.overall_limit, self._monotonic)

    def kick(self) -> None:
        """New rows are waiting: don't wait for the next tick."""
        self._wake.set()

    async def run(self, idle_interval: float = 1.0) -> None:
        while True:
            self._wake.clear()
            try:
                sent, retry_in = await self.dispatch_due()
            except Exception:
                log.exception("outbox pass failed")
                sent, retry_in = 0, idle_interval
            if sent:
                continue
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._wake.wait(), timeout=min(retry_in, idle_interval))

    async def dispatch_due(self) -> tuple[int, float]:
        """One pass over due rows; returns how many went out and when a skipped row may go."""
        rows = await self._claim()
        sent = 0
        retry_in = float("inf")
        for row in rows:
            platform = Platform(row.platform)
            sender = self._senders[platform]
            message = from_row(row)
            windows = [self._overall[platform]] + [
                self._window(platform, key, limit) for key, limit in sender.rate_keys(message)
            ]
            chat_wait = max((w.wait_time() for w in windows[1:]), default=0.0)
            if chat_wait > 0:
                retry_in = min(retry_in, chat_wait)
                await self._release(row.id)
                continue
            overall_wait = windows[0].wait_time()
            if overall_wait > 0:
                await asyncio.sleep(overall_wait)
            for window in windows:
                window.take()
            try:
                receipt = await sender.send(message)
            except Exception as error:
                log.exception("send failed on %s", platform)
                receipt = Receipt(
                    platform, failure=DeliveryFailure.UNAVAILABLE, detail=type(error).__name__
                )
            if receipt.failure is DeliveryFailure.RATE_LIMITED:
                for window in windows:
                    window.block_for(receipt.retry_after or 1.0)
            await self._record(row.id, receipt)
            sent += receipt.ok
        return sent, retry_in

    def _window(self, platform: Platform, key: str, limit: Limit) -> SlidingWindow:
        keyed = self._keyed.get((platform, limit))
        if keyed is None:
            keyed = self._keyed[(platform, limit)] = KeyedWindows(limit, self._monotonic)
        return keyed.get(key)

    async def _claim(self) -> list[OutboxMessage]:
        now = self._clock.now()
        async with self._database.session() as session:
            rows = list(
                await session.scalars(
                    select(OutboxMessage)
                    .where(
                        OutboxMessage.status == OutboxStatus.PENDING.value,
                        OutboxMessage.next_attempt_at <= now,
                        or_(
                            OutboxMessage.locked_until.is_(None),
                            OutboxMessage.locked_until < now,
                        ),
                        OutboxMessage.platform.in_([p.value for p in self._senders]),
                    )
                    .order_by(OutboxMessage.id)
                    .limit(self._batch_size)
                    .with_for_update(skip_locked=True)
                )
            )
            for row in rows:
                row.locked_until = now + LEASE
            await session.commit()
        return rows

    async def _release(self, row_id: int) -> None:
        async with self._database.session() as session:
            row = await session.get_one(OutboxMessage, row_id)
            row.locked_until = None
            await session.commit()

    async def _record(self, row_id: int, receipt: Receipt) -> None:
        now = self._clock.now()
        async with self._database.session() as session:
            row = await session.get_one(OutboxMessage, row_id)
            row.locked_until = None
            row.attempts += 1
            if receipt.ok:
                row.status = OutboxStatus.SENT.value
                row.sent_at = now
                row.message_id = receipt.message_id
                row.last_error = None
            elif receipt.failure in (DeliveryFailure.BLOCKED, DeliveryFailure.FORBIDDEN):
                row.status = OutboxStatus.FAILED.value
                row.last_error = f"{receipt.failure.value}: {receipt.detail}"
                if row.user_id:
                    await mark_unreachable(
                        session, receipt.platform, row.user_id, row.last_error, now
                    )
            elif receipt.failure is DeliveryFailure.RATE_LIMITED:
                row.next_attempt_at = now + timedelta(seconds=receipt.retry_after or 1.0)
                row.last_error = f"rate limited: retry after {receipt.retry_after}s"
            elif (
                receipt.failure is DeliveryFailure.UNAVAILABLE and row.attempts < self._max_attempts
            ):
                row.next_attempt_at = now + backoff(row.attempts)
                row.last_error = f"unavailable: {receipt.detail}"
            else:
                row.status = OutboxStatus.FAILED.value
                row.last_error = f"{receipt.failure}: {receipt.detail}"
            await session.commit()
