"""The console platform wired to a full app: ``townhall demo`` and ``townhall chat``."""

from __future__ import annotations

import asyncio
import sys
from datetime import UTC, datetime
from typing import TextIO

from adapters.console.adapter import ConsoleAdapter, Transcript
from adapters.console.session import ConsoleSession, ScriptError
from bot.app import build_app
from bot.logs import configure
from core.clock import ManualClock
from core.events import Platform
from core.settings import Settings

BANNER = """Townhall demo: you are a member chatting with the bot in a DM.
Ask a question (e.g. "how do I link my telegram account?" or "怎么提交工单"), try /help,
press a button with @press N, move time with @clock +1d, become a moderator with @as mod:ana
(a ticket's staff thread is @place #support/T-1; @place dm comes back).
Ctrl-D to leave.
"""


async def run_console(
    settings: Settings,
    lines: TextIO,
    *,
    interactive: bool,
    transcript: Transcript,
    start: datetime | None = None,
) -> int:
    """Feed ``lines`` to the bot as the console user; 0 when done, 2 on a bad script line."""
    configure("WARNING")
    clock = ManualClock(start or datetime.now(UTC).replace(microsecond=0))
    adapter = ConsoleAdapter(transcript)
    app = await build_app(settings, clock, dict.fromkeys(Platform, adapter))
    session = ConsoleSession(app.handle, app.tick, clock, transcript)
    adapter.on_send = session.remember
    try:
        if interactive:
            sys.stdout.write(BANNER)
        number = 0
        while True:
            raw = await _next_line(lines, interactive)
            if raw is None:
                return 0
            number += 1
            try:
                await session.line(raw)
            except ScriptError as error:
                print(f"line {number}: {error}", file=sys.stderr)
                if not interactive:
                    return 2
            await app.dispatcher.dispatch_due()
    finally:
        await app.close()


async def _next_line(lines: TextIO, interactive: bool) -> str | None:
    if interactive:
        try:
            return await asyncio.to_thread(input, "you> ")
        except EOFError:
            return None
    raw = lines.readline()
    return raw if raw else None
