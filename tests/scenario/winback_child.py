"""One process running the win-back sweep, killed with SIGKILL at a chosen point.

``render:N`` dies while the N-th member's message is being made (the cycle planned and
other messages made, nothing committed); ``commit`` right after the sweeper commits the pass,
before anything is sent; ``none`` runs to the end. Used by test_winback_crash.py.
"""

from __future__ import annotations

import asyncio
import sys
from datetime import datetime
from pathlib import Path
from typing import Any

from core.events import OutgoingMessage
from core.notifier import Notifier
from tests.scenario.crash import die_at_commit, killer, run_sweep

ON = {"winback": {"enabled": True}}


def die_after(kind: str, count: int) -> None:
    if kind == "render":
        maybe_die = killer(count)
        message = Notifier.message

        def rendering(self: Notifier, *args: Any, **kwargs: Any) -> OutgoingMessage:
            maybe_die()
            return message(self, *args, **kwargs)

        Notifier.message = rendering  # type: ignore[method-assign]
    elif kind == "commit":
        die_at_commit(count)


async def main(url: str, knowledge: str, now: str, mode: str) -> None:
    kind, _, count = mode.partition(":")
    if kind != "none":
        die_after(kind, int(count or 1))
    await run_sweep("winback", url, Path(knowledge), datetime.fromisoformat(now), **ON)


if __name__ == "__main__":
    asyncio.run(main(*sys.argv[1:5]))
