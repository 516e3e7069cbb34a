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

from core.notifier import Notifier
from tests.scenario.crash import die_at_commit, killer, run_sweep

FOUNDERS = ["telegram:101", "telegram:102", "telegram:103"]


def die_after(kind: str, count: int) -> None:
    if kind == "queue":
        maybe_die = killer(count)
        to_member = Notifier.to_member

        async def queueing(self: Notifier, *args: Any, **kwargs: Any) -> bool:
            queued = await to_member(self, *args, **kwargs)
            maybe_die()
            return queued

        Notifier.to_member = queueing  # type: ignore[method-assign]
    elif kind == "commit":
        die_at_commit(count)


async def main(url: str, knowledge: str, now: str, mode: str) -> None:
    kind, _, count = mode.partition(":")
    if kind != "none":
        die_after(kind, int(count or 1))
    await run_sweep(
        "digest", url, Path(knowledge), datetime.fromisoformat(now), roles={"founders": FOUNDERS}
    )


if __name__ == "__main__":
    asyncio.run(main(*sys.argv[1:5]))
