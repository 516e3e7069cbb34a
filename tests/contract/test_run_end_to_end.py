"""``townhall run`` as operators start it: a subprocess with a config file, against both fakes.

It answers a knowledge-base question on Telegram and on Discord, sends what the outbox holds,
and on SIGTERM stops within ten seconds, leaving what it had not sent yet queued.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import signal
import sys
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest_asyncio
from sqlalchemy import select

from bot.migrate import upgrade
from core.db.engine import Database
from core.events import OutgoingMessage, Platform, Visibility
from core.outbox import OutboxMessage, enqueue
from tests.fakes import discord_api
from tests.fakes.discord_api import FakeDiscord
from tests.fakes.telegram_api import TOKEN, TelegramFake, user

REPO = Path(__file__).resolve().parents[2]
HELP_GROUP = -1001000000001
DM_USER = 7001
QUEUED = 30
ADA = "1200000000000000001"
QUESTION = "how do I link my telegram account?"
START_SECONDS = 90.0
STOP_SECONDS = 10.0


@dataclass
class Townhall:
    """The running process and every line it printed so far."""

    process: asyncio.subprocess.Process
    output: list[str] = field(default_factory=list)
    printed: asyncio.Event = field(default_factory=asyncio.Event)

    async def line(self, text: str, seconds: float = START_SECONDS) -> str:
        """The first printed line containing ``text``, once there is one."""
        async with asyncio.timeout(seconds):
            while True:
                self.printed.clear()
                found = [line for line in self.output if text in line]
                if found:
                    return found[0]
                if self.process.returncode is not None:
                    raise AssertionError("\n".join(self.output))
                await self.printed.wait()

    async def exit_code(self, seconds: float) -> int:
        async with asyncio.timeout(seconds):
            return await self.process.wait()

    @staticmethod
    async def telegram_calls(
        telegram: TelegramFake, method: str, chat_id: int, count: int = 1
    ) -> list[dict[str, Any]]:
        """Until Telegram accepted ``count`` calls of ``method`` to ``chat_id``."""

        def found() -> list[dict[str, Any]]:
            return [
                c.params
                for c in telegram.calls
                if c.method == method and c.status == 200 and c.params.get("chat_id") == chat_id
            ]

        async with asyncio.timeout(START_SECONDS):
            while len(found()) < count:
                telegram.changed.clear()
                await telegram.changed.wait()
        return found()


def config_file(folder: Path, telegram_base_url: str, discord: FakeDiscord) -> Path:
    path = folder / "config.toml"
    path.write_text(
        f"""
[database]
url = {json.dumps(database_url(folder))}

[knowledge]
dir = {json.dumps(str(REPO / "knowledge"))}

[faq]
help_channels = ["telegram:{HELP_GROUP}", "discord:{discord_api.HELP_CHANNEL}"]

[telegram]
enabled = true
base_url = {json.dumps(telegram_base_url)}

[discord]
enabled = true
api_base_url = {json.dumps(discord.api_base_url)}
gateway_url = {json.dumps(discord.gateway_url)}
guild_ready_timeout = 0.1
""",
        encoding="utf-8",
    )
    return path


def database_url(folder: Path) -> str:
    return f"sqlite+aiosqlite:///{folder}/townhall.db"


@contextlib.asynccontextmanager
async def launch(config: Path, *, telegram_token: str, until: str) -> AsyncIterator[Townhall]:
    """``townhall run --config config``, yielded once it printed ``until``; killed after."""
    environment = os.environ | {
        "TOWNHALL_TELEGRAM_TOKEN": telegram_token,
        "TOWNHALL_DISCORD_TOKEN": "fake-token",
        "NO_PROXY": "127.0.0.1",
        "no_proxy": "127.0.0.1",
        "PTB_TIMEDELTA": "true",
    }
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "bot.cli",
        "run",
        "--config",
        str(config),
        cwd=REPO,
        env=environment,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.STDOUT,
    )
    townhall = Townhall(process)

    async def read() -> None:
        assert process.stdout is not None
        async for line in process.stdout:
            townhall.output.append(line.decode(errors="replace").rstrip())
            townhall.printed.set()
        townhall.printed.set()

    reader = asyncio.create_task(read())
    try:
        await townhall.line(until)
        yield townhall
    finally:
        if process.returncode is None:
            process.kill()
            await process.wait()
        with contextlib.suppress(asyncio.CancelledError):
            await reader


@contextlib.asynccontextmanager
async def discord_fake(**fields: Any) -> AsyncIterator[FakeDiscord]:
    """The Discord fake with Ada in the server, started and stopped."""
    discord = FakeDiscord(members={ADA: ("ada", [])}, **fields)
    await discord.start()
    try:
        yield discord
    finally:
        await discord.stop()


async def ask_on_discord(discord: FakeDiscord) -> str:
    """Ada asks in the help channel; the bot's answer there."""
    asked = discord_api.message_payload(
        "1300000000000000001",
        discord_api.HELP_CHANNEL,
        discord_api.user(ADA, "ada"),
        QUESTION,
    ) | {"guild_id": discord_api.GUILD_ID, "member": {"roles": [], "nick": None}}
    await discord.dispatch("MESSAGE_CREATE", asked)
    path = rf"/channels/{discord_api.HELP_CHANNEL}/messages"
    (answer,) = await discord.wait_for(lambda: discord.calls_to("POST", path))
    content: str = answer.body["content"]
    return content


async def _queue_dms(url: str) -> None:
    """DMs waiting before the bot starts: Telegram allows one a second in a chat."""
    await upgrade(url)
    database = Database(url)
    async with database.session() as session:
        for n in range(QUEUED):
            message = OutgoingMessage(
                Platform.TELEGRAM,
                f"reminder {n}",
                chat_id=str(DM_USER),
                user_id=str(DM_USER),
                visibility=Visibility.PRIVATE,
            )
            await enqueue(session, message, key=f"e2e:{n}", now=datetime.now(UTC))
        await session.commit()
    await database.dispose()


@dataclass
class Running:
    telegram: TelegramFake
    discord: FakeDiscord
    townhall: Townhall
    database_url: str


@pytest_asyncio.fixture
async def running(tmp_path: Path) -> AsyncIterator[Running]:
    url = database_url(tmp_path)
    await _queue_dms(url)
    async with TelegramFake() as telegram, discord_fake() as discord:
        config = config_file(tmp_path, telegram.base_url, discord)
        async with launch(config, telegram_token=TOKEN, until="townhall is running") as town:
            yield Running(telegram, discord, town, url)


async def test_run_answers_on_both_platforms_then_stops_leaving_unsent_dms_queued(
    running: Running,
) -> None:
    townhall = running.townhall
    running.telegram.push_message(QUESTION, chat_id=HELP_GROUP, sender=user(1001))
    (telegram_answer,) = await townhall.telegram_calls(running.telegram, "sendMessage", HELP_GROUP)
    assert "/link" in telegram_answer["text"]
    assert "/link" in await ask_on_discord(running.discord)

    await townhall.telegram_calls(running.telegram, "sendMessage", DM_USER)
    townhall.process.send_signal(signal.SIGTERM)
    code = await townhall.exit_code(STOP_SECONDS)
    assert code == 0, "\n".join(townhall.output)

    delivered = [
        c
        for c in running.telegram.calls
        if c.method == "sendMessage" and c.status == 200 and c.params["chat_id"] == DM_USER
    ]
    database = Database(running.database_url)
    async with database.session() as session:
        rows = list(await session.scalars(select(OutboxMessage).order_by(OutboxMessage.id)))
    await database.dispose()
    sent = [r for r in rows if r.status == "sent"]
    pending = [r for r in rows if r.status == "pending"]
    assert len(rows) == QUEUED
    assert [r.payload["text"] for r in sent] == [c.params["text"] for c in delivered]
    assert len(sent) + len(pending) == QUEUED and pending
    assert all(r.locked_until is None and r.attempts == 0 for r in pending)
