"""Sliding-window limits, kept below what the platforms enforce so we never earn a 429."""

from __future__ import annotations

import asyncio
import time
from collections import deque
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass


@dataclass(frozen=True)
class Limit:
    """``count`` events in any ``per_seconds``; ``even`` also spaces them one
    ``per_seconds / count`` apart.

    A bulk limit wants ``even``: two full bursts a window apart look like twice the limit to
    a server that counts arrivals, once network or load delays the first burst a little.
    """

    count: int
    per_seconds: float
    even: bool = False

    @property
    def interval(self) -> float:
        return self.per_seconds / self.count if self.even else 0.0


class SlidingWindow:
    """At most ``limit.count`` events in any ``limit.per_seconds``; monotonic real time.

    Platform limits are about wall-clock seconds, not business time, so this never reads
    the core's clock.
    """

    def __init__(self, limit: Limit, now: Callable[[], float] = time.monotonic) -> None:
        self.limit = limit
        self._now = now
        self._stamps: deque[float] = deque()
        self._blocked_until = 0.0
        self._due = 0.0

    def wait_time(self) -> float:
        """Seconds until one more event is allowed (0 when it is allowed now)."""
        now = self._now()
        while self._stamps and now - self._stamps[0] >= self.limit.per_seconds:
            self._stamps.popleft()
        wait = max(0.0, self._blocked_until - now, self._due - now)
        if len(self._stamps) >= self.limit.count:
            # The count-th latest event, not the oldest: a stamp kept by rounding (a wait of
            # exactly the window can land a hair short of it) must not open the window early.
            wait = max(wait, self._stamps[-self.limit.count] + self.limit.per_seconds - now)
        return wait

    def take(self) -> None:
        """Count one event. An even schedule keeps its own beat: an event a little late does
        not push every later one back, so the rate stays at the limit."""
        now = self._now()
        self._stamps.append(now)
        interval = self.limit.interval
        if interval:
            self._due = max(self._due, now - interval) + interval

    def block_for(self, seconds: float) -> None:
        """The platform said "retry after": nothing goes out before then."""
        self._blocked_until = max(self._blocked_until, self._now() + seconds)


class KeyedWindows:
    """One window per key (a chat), created on demand and dropped when idle."""

    def __init__(self, limit: Limit, now: Callable[[], float] = time.monotonic) -> None:
        self.limit = limit
        self._now = now
        self._windows: dict[str, SlidingWindow] = {}

    def get(self, key: str) -> SlidingWindow:
        window = self._windows.get(key)
        if window is None:
            if len(self._windows) > 10_000:
                self._windows = {k: w for k, w in self._windows.items() if w.wait_time() > 0}
            window = self._windows[key] = SlidingWindow(self.limit, self._now)
        return window


class Pacing:
    """One platform's limits, shared by everything that sends there: the outbox dispatcher
    and the adapter's answers in context, so together they stay within them.

    ``overall`` None means the adapter counts every request itself (Discord's global limit is
    in requests, and one message may take several). ``now`` and ``sleep`` are real monotonic
    time unless a test moves its own.
    """

    def __init__(
        self,
        overall: Limit | None,
        *,
        now: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
    ) -> None:
        self.now = now
        self.sleep = sleep
        self.overall = SlidingWindow(overall, now) if overall is not None else None
        self._keyed: dict[Limit, KeyedWindows] = {}

    def windows(self, keys: Sequence[tuple[str, Limit]]) -> list[SlidingWindow]:
        """The per-chat (and per-group) windows for ``keys``."""
        found = []
        for key, limit in keys:
            keyed = self._keyed.get(limit)
            if keyed is None:
                keyed = self._keyed[limit] = KeyedWindows(limit, self.now)
            found.append(keyed.get(key))
        return found

    def _all(self, keys: Sequence[tuple[str, Limit]]) -> list[SlidingWindow]:
        overall = [self.overall] if self.overall is not None else []
        return [*overall, *self.windows(keys)]

    async def acquire(self, keys: Sequence[tuple[str, Limit]]) -> None:
        """Wait until one more message to ``keys`` is allowed, then count it; no wait when
        there is room."""
        windows = self._all(keys)
        while (wait := max(w.wait_time() for w in windows) if windows else 0.0) > 0:
            await self.sleep(wait)
        for window in windows:
            window.take()

    def block_for(self, seconds: float, keys: Sequence[tuple[str, Limit]] = ()) -> None:
        """The platform answered "retry after": nothing more to ``keys`` (or at all) until
        then."""
        for window in self._all(keys):
            window.block_for(seconds)


class ErrorBudget:
    """Refusals counted over a sliding window, pacing requests once they pile up.

    Below ``slow_from`` refusals nothing is slowed. From there each request waits
    ``per_seconds / (ceiling - count)`` after the one before, so even if every request were
    refused the count could only creep towards ``ceiling``, never past it.
    """

    def __init__(
        self,
        *,
        per_seconds: float,
        slow_from: int,
        ceiling: int,
        now: Callable[[], float] = time.monotonic,
    ) -> None:
        self.per_seconds = per_seconds
        self.slow_from = slow_from
        self.ceiling = ceiling
        self._now = now
        self._stamps: deque[float] = deque()
        self._last = float("-inf")

    @property
    def count(self) -> int:
        now = self._now()
        while self._stamps and now - self._stamps[0] >= self.per_seconds:
            self._stamps.popleft()
        return len(self._stamps)

    def refused(self) -> None:
        self._stamps.append(self._now())

    def wait_time(self) -> float:
        count = self.count
        if count < self.slow_from:
            return 0.0
        now = self._now()
        if count >= self.ceiling:
            return self._stamps[count - self.ceiling] + self.per_seconds - now
        return max(0.0, self._last + self.per_seconds / (self.ceiling - count) - now)

    def take(self) -> None:
        self._last = self._now()
