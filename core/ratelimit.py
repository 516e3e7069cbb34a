"""Sliding-window limits, kept below what the platforms enforce so we never earn a 429."""

from __future__ import annotations

import time
from collections import deque
from collections.abc import Callable
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
            wait = max(wait, self._stamps[0] + self.limit.per_seconds - now)
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
