"""One process running the reminder sweep, killed with SIGKILL at a chosen point.

``flush:N`` dies right after the N-th batch of the pass is flushed, before the sweeper
commits; ``commit:N`` right after the N-th commit; ``none`` runs to the end. Used by
test_events_crash.py; batches are 50 recipients so a 500-member sweep has ten.
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
from core.features.events import reminders
from tests.conftest import make_settings
from tests.fakes.fake_adapter import FakeAdapter
from tests.scenario.crash import killer


def die_after(kind: str, count: int) -> None:
    maybe_die = killer(count)
    if kind == "flush":
        flush = reminders.enqueue_many

        async def flushing(*args: Any, **kwargs: Any) -> int:
            added = await flush(*args, **kwargs)
            maybe_die()
            return added

        reminders.enqueue_many = flushing  # type: ignore[assignment]
    elif kind == "commit":
        commit = AsyncSession.commit

        async def committing(self: AsyncSession) -> None:
            await commit(self)
            maybe_die()

        AsyncSession.commit = committing  # type: ignore[method-assign]


async def main(url: str, knowledge: str, now: str, mode: str) -> None:
    reminders.BATCH = 50
    kind, _, count = mode.partition(":")
    if count:
        die_after(kind, int(count))
    app = await build_app(
        make_settings(url, Path(knowledge)),
        ManualClock(datetime.fromisoformat(now)),
        {Platform.TELEGRAM: FakeAdapter()},
        migrate=False,
    )
    await app.sweeper.run("events.reminders")
    await app.close()


if __name__ == "__main__":
    asyncio.run(main(*sys.argv[1:5]))
