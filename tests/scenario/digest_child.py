"""One process running the digest sweep, killed with SIGKILL at a chosen point.

``queue:N`` dies right after the N-th founder's digest is queued (flushed, not committed);
``commit`` right after the sweeper commits the pass, before anything is sent (the rollups'
own commits come earlier); ``none`` runs to the end. Used by
test_digest_crash.py.
"""

from __future__ import annotations

import asyncio
import sys
from datetime import datetime
from pathlib import Path
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from bot.app import build_app
from core.clock import ManualClock
from core.events import Platform
from core.notifier import Notifier
from tests.conftest import make_settings
from tests.fakes.fake_adapter import FakeAdapter
from tests.scenario.crash import killer

FOUNDERS = ["telegram:101", "telegram:102", "telegram:103"]


def die_after(kind: str, count: int) -> None:
    maybe_die = killer(count)
    if kind == "queue":
        to_member = Notifier.to_member

        async def queueing(self: Notifier, *args: Any, **kwargs: Any) -> bool:
            queued = await to_member(self, *args, **kwargs)
            maybe_die()
            return queued

        Notifier.to_member = queueing  # type: ignore[method-assign]
    elif kind == "commit":
        kick = Notifier.kick_if_queued

        def kicking(self: Notifier, session: AsyncSession) -> None:
            maybe_die()
            kick(self, session)

        Notifier.kick_if_queued = kicking  # type: ignore[method-assign]


async def main(url: str, knowledge: str, now: str, mode: str) -> None:
    kind, _, count = mode.partition(":")
    count = count or ("1" if kind == "commit" else "")
    app = await build_app(
        make_settings(url, Path(knowledge), roles={"founders": FOUNDERS}),
        ManualClock(datetime.fromisoformat(now)),
        {Platform.TELEGRAM: FakeAdapter()},
        migrate=False,
    )
    if count:
        die_after(kind, int(count))
    await app.sweeper.run("digest")
    await app.close()


if __name__ == "__main__":
    asyncio.run(main(*sys.argv[1:5]))
