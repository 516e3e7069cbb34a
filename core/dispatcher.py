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
from collections.abc import Mapping, Sequence
from dataclasses import replace
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from core.clock import Clock
from core.db.engine import Database
from core.events import DeliveryFailure, OutgoingMessage, Platform, Receipt
from core.members import service as members
from core.outbox import OutboxMessage, OutboxStatus, Sender, enqueue, from_row
from core.ratelimit import Limit, SlidingWindow

log = logging.getLogger(__name__)

LEASE = timedelta(seconds=60)
MAX_BACKOFF = timedelta(minutes=30)
# A row held back only because its chat already had a message in this pass.
NEXT_PASS = 0.05
# Longer than pacing ever waits: only a platform's "retry after" blocks a window this long.
LONG_PAUSE = 5.0


def _wait(windows: Sequence[SlidingWindow]) -> float:
    return max((w.wait_time() for w in windows), default=0.0)


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
        batch_size: int = 500,
        concurrency: int = 8,
    ) -> None:
        """``clock`` schedules retries in business time; each sender's ``pacing`` keeps the
        platform's limits in real seconds, shared with the adapter's answers in context.

        Up to ``concurrency`` sends are in flight at once: one round trip and one commit per
        message take longer than a platform's overall limit allows between messages, so one
        at a time would leave most of the limit unused.
        """
        self._database = database
        self._clock = clock
        self._senders = dict(senders)
        self._max_attempts = max_attempts
        self._batch_size = batch_size
        self._slots = asyncio.Semaphore(concurrency)
        self._wake = asyncio.Event()
        self._stopping = asyncio.Event()

    def add(self, platform: Platform, sender: Sender) -> None:
        """Adapters are built after the core (they need its registry), then join here."""
        self._senders[platform] = sender

    def kick(self) -> None:
        """New rows are waiting: don't wait for the next tick."""
        self._wake.set()

    def stop(self) -> None:
        """Claim nothing more and start no new send; ``run`` returns once sends in flight are
        recorded. Rows not yet sent stay pending, unlocked, for the next start."""
        self._stopping.set()
        self._wake.set()

    async def run(self, idle_interval: float = 1.0) -> None:
        while not self._stopping.is_set():
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
        """One pass over due rows; returns how many went out and when a skipped row may go.

        Rows start in id order, each once its windows allow it, so the limits hold however
        many are in flight. A chat gets at most one message per pass and its later rows wait
        while an earlier one is held back, so one chat's messages never overtake each other.
        Rows not started (held back, or stopped) are unlocked for the next pass.
        """
        rows, dm_chats = await self._claim()
        retry_in = float("inf")
        taken: set[tuple[Platform, str]] = set()
        started: set[int] = set()
        deliveries: list[asyncio.Task[bool]] = []
        try:
            for row in rows:
                platform = Platform(row.platform)
                sender = self._senders[platform]
                message = from_row(row)
                if message.user_id and not message.dm_chat_id:
                    dm_chat = dm_chats.get((platform, message.user_id))
                    message = replace(message, dm_chat_id=dm_chat)
                rate_keys = sender.rate_keys(message)
                keys = [(platform, key) for key, _ in rate_keys]
                windows = sender.pacing.windows(rate_keys)
                chat_wait = _wait(windows)
                if chat_wait > 0 or any(key in taken for key in keys):
                    taken.update(keys)
                    retry_in = min(retry_in, chat_wait or NEXT_PASS)
                    continue
                pause = await self._paced(sender.pacing.overall)
                if self._stopping.is_set():
                    break
                # An answer in context may have used the chat while this waited.
                chat_wait = _wait(windows)
                if pause or chat_wait:
                    # The platform asked for a pause: leave its rows for a later pass rather
                    # than hold their leases through it.
                    if not pause:
                        self._slots.release()
                    taken.update(keys)
                    retry_in = min(retry_in, pause or chat_wait)
                    continue
                overall = sender.pacing.overall
                for window in (*([overall] if overall else []), *windows):
                    window.take()
                taken.update(keys)
                started.add(row.id)
                deliveries.append(
                    asyncio.create_task(self._deliver(row, sender, message, rate_keys))
                )
        finally:
            results = await asyncio.gather(*deliveries, return_exceptions=True)
            unsent = [row.id for row in rows if row.id not in started]
            if unsent:
                await self._release(unsent)
        return sum(r is True for r in results), retry_in

    async def _paced(self, overall: SlidingWindow | None) -> float:
        """Wait for a free slot and the platform's overall window (if the dispatcher counts
        it); 0.0 when the caller may send and holds the slot. Otherwise (stopping, or the
        platform paused for longer than pacing ever waits) the slot is given back and the
        pause is returned."""
        await self._slots.acquire()
        while (
            overall is not None and (wait := overall.wait_time()) > 0
        ) and not self._stopping.is_set():
            if wait > LONG_PAUSE:
                self._slots.release()
                return wait
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._stopping.wait(), timeout=wait)
        if self._stopping.is_set():
            self._slots.release()
        return 0.0

    async def _deliver(
        self,
        row: OutboxMessage,
        sender: Sender,
        message: OutgoingMessage,
        rate_keys: Sequence[tuple[str, Limit]],
    ) -> bool:
        platform = sender.platform
        try:
            try:
                receipt = await sender.send(message)
            except Exception as error:
                log.exception("send failed on %s", platform)
                receipt = Receipt(
                    platform, failure=DeliveryFailure.UNAVAILABLE, detail=type(error).__name__
                )
            if receipt.failure is DeliveryFailure.RATE_LIMITED:
                sender.pacing.block_for(receipt.retry_after or 1.0, rate_keys)
            await self._record(row, receipt)
            return receipt.ok
        finally:
            self._slots.release()

    async def _claim(self) -> tuple[list[OutboxMessage], dict[tuple[Platform, str], str]]:
        """Due rows, leased to this pass, and the DM chats remembered for their recipients
        (some rows were queued before the chat was known)."""
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
            await self._lock(session, [row.id for row in rows], now + LEASE)
            dm_chats: dict[tuple[Platform, str], str] = {}
            for platform in {Platform(row.platform) for row in rows}:
                users = {r.user_id for r in rows if r.user_id and r.platform == platform.value}
                found = await members.dm_chats(session, platform, users)
                dm_chats |= {(platform, user): chat for user, chat in found.items()}
            await session.commit()
        return rows, dm_chats

    async def _release(self, row_ids: list[int]) -> None:
        async with self._database.session() as session:
            await self._lock(session, row_ids, None)
            await session.commit()

    @staticmethod
    async def _lock(session: AsyncSession, row_ids: list[int], until: datetime | None) -> None:
        """One statement per batch, not one per row: claiming must not stall the sending."""
        await session.execute(
            update(OutboxMessage)
            .where(OutboxMessage.id.in_(row_ids))
            .values(locked_until=until)
            .execution_options(synchronize_session=False)
        )

    async def _record(self, row: OutboxMessage, receipt: Receipt) -> None:
        """One UPDATE from the claimed row's values: the lease means nobody else changed it."""
        now = self._clock.now()
        attempts = row.attempts + 1
        values: dict[str, Any] = {"locked_until": None, "attempts": attempts}
        unreachable = False
        if receipt.ok:
            values |= {
                "status": OutboxStatus.SENT.value,
                "sent_at": now,
                "message_id": receipt.message_id,
                "last_error": None,
            }
        elif receipt.failure in (DeliveryFailure.BLOCKED, DeliveryFailure.FORBIDDEN):
            values |= {
                "status": OutboxStatus.FAILED.value,
                "last_error": f"{receipt.failure.value}: {receipt.detail}",
            }
            unreachable = row.user_id is not None
        elif receipt.failure is DeliveryFailure.RATE_LIMITED:
            values |= {
                "next_attempt_at": now + timedelta(seconds=receipt.retry_after or 1.0),
                "last_error": f"rate limited: retry after {receipt.retry_after}s",
            }
        elif receipt.failure is DeliveryFailure.UNAVAILABLE and attempts < self._max_attempts:
            values |= {
                "next_attempt_at": now + backoff(attempts),
                "last_error": f"unavailable: {receipt.detail}",
            }
        else:
            values |= {
                "status": OutboxStatus.FAILED.value,
                "last_error": f"{receipt.failure}: {receipt.detail}",
            }
        async with self._database.session() as session:
            await session.execute(
                update(OutboxMessage).where(OutboxMessage.id == row.id).values(**values)
            )
            if receipt.chat_id and row.user_id is not None:
                await members.remember_dm_chats(
                    session, receipt.platform, {row.user_id: receipt.chat_id}
                )
            if unreachable and row.user_id is not None:
                await members.mark_unreachable(
                    session, receipt.platform, row.user_id, values["last_error"], now
                )
                await self._give_up_on(session, row, values["last_error"])
            refused = receipt.failure is DeliveryFailure.FORBIDDEN
            report = from_row(row).if_refused if refused else None
            if report is not None:
                # Once under its key, however many refusals follow: told, never retried.
                key, message = report
                await enqueue(session, message, key=key, now=now)
            await session.commit()
        if report is not None:
            self.kick()

    @staticmethod
    async def _give_up_on(session: AsyncSession, row: OutboxMessage, reason: str) -> None:
        """The person cannot be reached: their other queued DMs would only be refused too,
        and every refusal counts against the platform's patience (Discord bans an IP after
        10,000 in 10 minutes). They fail now, untried, with the same reason."""
        await session.execute(
            update(OutboxMessage)
            .where(
                OutboxMessage.platform == row.platform,
                OutboxMessage.user_id == row.user_id,
                OutboxMessage.status == OutboxStatus.PENDING.value,
                OutboxMessage.id != row.id,
            )
            .values(status=OutboxStatus.FAILED.value, last_error=f"not sent: {reason}")
            .execution_options(synchronize_session=False)
        )
