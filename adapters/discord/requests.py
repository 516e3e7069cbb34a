"""Discord's global limit, counted in requests: every REST call the bot makes waits its turn.

Discord allows a bot about 50 requests a second in all, whatever the route, and bans its IP
for a while after 10,000 invalid requests (401, 403, 429) within 10 minutes. discord.py keeps
the per-route buckets Discord reports but lets requests out as fast as they come, so one DM
(open the channel, then send) or one ticket (a thread, then its member) can take several
requests, and bursts exceed the limit. This pacer sits in discord.py's HTTP session
(``http_trace``), so every call counts, whichever part of Townhall makes it. Interaction
responses and their follow-ups are not bound by the global limit, as Discord documents, and
skip the line.
"""

from __future__ import annotations

import asyncio
import re
import time
from collections.abc import Awaitable, Callable, Mapping
from types import SimpleNamespace

import aiohttp

from core.ratelimit import ErrorBudget, Limit, SlidingWindow

# 50 a second, evenly spaced, less a little for requests that arrive closer together than
# they left.
GLOBAL = Limit(48, 1.0, even=True)
INVALID = frozenset({401, 403, 429})
INVALID_WINDOW = 600.0
# Discord bans at 10,000 invalid requests in 10 minutes: slow down from a tenth of that, so
# that even if every request were refused the count stays under half.
SLOW_FROM = 1_000
INVALID_CEILING = 5_000
EXEMPT = re.compile(r"/(interactions|webhooks)/")


class RestPacer:
    def __init__(
        self,
        limit: Limit = GLOBAL,
        *,
        now: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
    ) -> None:
        self._window = SlidingWindow(limit, now)
        self.invalid = ErrorBudget(
            per_seconds=INVALID_WINDOW, slow_from=SLOW_FROM, ceiling=INVALID_CEILING, now=now
        )
        self._sleep = sleep

    def trace(self) -> aiohttp.TraceConfig:
        config = aiohttp.TraceConfig()
        config.on_request_start.append(self._started)
        config.on_request_end.append(self._ended)
        return config

    async def acquire(self) -> None:
        """Wait for the global window (and the invalid-request budget), then count one."""
        while (wait := max(self._window.wait_time(), self.invalid.wait_time())) > 0:
            await self._sleep(wait)
        self._window.take()
        self.invalid.take()

    def answered(self, status: int, headers: Mapping[str, str]) -> None:
        """Count a refusal; a global 429 stops every request for as long as Discord asks."""
        if status not in INVALID:
            return
        self.invalid.refused()
        if status == 429 and headers.get("X-RateLimit-Global", "").lower() == "true":
            self._window.block_for(float(headers.get("Retry-After", 1.0)))

    async def _started(
        self,
        _: aiohttp.ClientSession,
        __: SimpleNamespace,
        params: aiohttp.TraceRequestStartParams,
    ) -> None:
        if not EXEMPT.search(params.url.path):
            await self.acquire()

    async def _ended(
        self,
        _: aiohttp.ClientSession,
        __: SimpleNamespace,
        params: aiohttp.TraceRequestEndParams,
    ) -> None:
        self.answered(params.response.status, params.response.headers)
