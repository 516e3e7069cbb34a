"""Killing a child process with SIGKILL at a counted point, for the crash scenarios, and
delivering what the killed and restarted passes left queued."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from bot.app import build_app
from core.clock import ManualClock
from core.dispatcher import Dispatcher
from core.events import OutgoingMessage, Platform
from core.members.models import Identity, Member
from core.notifier import Notifier
from tests.conftest import REPO, START, make_settings
from tests.fakes.fake_adapter import FakeAdapter


def killer(count: int) -> Callable[[], None]:
    """A function that kills this process (SIGKILL, no clean-up) on its ``count``-th call."""
    seen = 0

    def maybe_die() -> None:
        nonlocal seen
        seen += 1
        if seen == count:
            os.kill(os.getpid(), signal.SIGKILL)

    return maybe_die


def die_at_commit(count: int) -> None:
    """Kill this process right after the ``count``-th committed pass, before anything is
    sent (the sweeper wakes the dispatcher only after its commit)."""
    maybe_die = killer(count)
    kick = Notifier.kick_if_queued

    def kicking(self: Notifier, session: AsyncSession) -> None:
        maybe_die()
        kick(self, session)

    Notifier.kick_if_queued = kicking  # type: ignore[method-assign]


def run_child(module: str, *args: str) -> int:
    """``python -m module args...`` from the repository; its exit code (-9 when killed)."""
    child = subprocess.run(
        [sys.executable, "-m", module, *args], cwd=REPO, capture_output=True, timeout=300
    )
    return child.returncode


async def deliver_all(
    url: str, knowledge: Path, now: datetime, **sections: dict[str, object]
) -> list[OutgoingMessage]:
    """Send everything queued to a fake Telegram, as a restarted bot would; what it got."""
    fake = FakeAdapter(Platform.TELEGRAM)
    app = await build_app(
        make_settings(url, knowledge, **sections),
        ManualClock(now),
        {Platform.TELEGRAM: fake},
        migrate=False,
    )
    dispatcher = Dispatcher(app.services.database, app.services.clock, {Platform.TELEGRAM: fake})
    while (await dispatcher.dispatch_due())[0]:
        pass
    await app.close()
    return fake.sent


async def run_sweep(
    name: str, url: str, knowledge: Path, now: datetime, **sections: dict[str, object]
) -> None:
    """One pass of the sweep ``name``, as the child process of a crash scenario runs it."""
    app = await build_app(
        make_settings(url, knowledge, **sections),
        ManualClock(now),
        {Platform.TELEGRAM: FakeAdapter()},
        migrate=False,
    )
    await app.sweeper.run(name)
    await app.close()


def crash_database(template: Path, folder: Path) -> tuple[str, Path]:
    """A migrated SQLite file and an empty knowledge folder the children share."""
    path = folder / "crash.db"
    shutil.copy(template, path)
    knowledge = folder / "knowledge"
    knowledge.mkdir()
    return f"sqlite+aiosqlite:///{path}", knowledge


def telegram_member(
    user_id: str, name: str, at: datetime, *, dm: bool = False, **fields: Any
) -> Identity:
    """A member with one Telegram account, first and last seen at ``at`` (``fields``: the
    member's own columns); ``dm``: they have written to the bot privately."""
    member = Member(display_name=name, created_at=at, last_seen_at=at, **fields)
    return Identity(
        member=member,
        platform="telegram",
        platform_user_id=user_id,
        display_name=name,
        dm_chat_id=user_id if dm else None,
        created_at=at,
    )


async def seed(url: str, knowledge: Path, *rows: object) -> None:
    """Add ``rows`` to the crash database, committed, before any child runs."""
    app = await build_app(make_settings(url, knowledge), ManualClock(START), {}, migrate=False)
    async with app.services.database.session() as session:
        session.add_all(rows)
        await session.commit()
    await app.close()
