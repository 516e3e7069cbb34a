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
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

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
class Running:
    telegram: TelegramFake
    discord: FakeDiscord
    process: asyncio.subprocess.Process
    database_url: str
    output: list[str]

    async def wait_for_telegram(self, method: str, chat_id: int, count: int = 1) -> list[object]:
        """Until Telegram accepted ``count`` calls of ``method`` to ``chat_id``."""

        def found() -> list[object]:
            return [
                c.params
                for c in self.telegram.calls
                if c.method == method and c.status == 200 and c.params.get("chat_id") == chat_id
            ]

        async with asyncio.timeout(STOP_SECONDS):
            while len(found()) < count:
                self.telegram.changed.clear()
                await self.telegram.changed.wait()
        return found()


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


def _config(folder: Path, url: str, telegram: TelegramFake, discord: FakeDiscord) -> Path:
    path = folder / "config.toml"
    path.write_text(
        f"""
[database]
url = {json.dumps(url)}

[knowledge]
dir = {json.dumps(str(REPO / "knowledge"))}

[faq]
help_channels = ["telegram:{HELP_GROUP}", "discord:{discord_api.HELP_CHANNEL}"]

[telegram]
enabled = true
base_url = {json.dumps(telegram.base_url)}

[discord]
enabled = true
api_base_url = {json.dumps(discord.api_base_url)}
gateway_url = {json.dumps(discord.gateway_url)}
guild_ready_timeout = 0.1
""",
        encoding="utf-8",
    )
    return path


@pytest_asyncio.fixture
async def running(tmp_path: Path) -> AsyncIterator[Running]:
    url = f"sqlite+aiosqlite:///{tmp_path}/townhall.db"
    await _queue_dms(url)
    async with TelegramFake() as telegram:
        discord = FakeDiscord(members={ADA: ("ada", [])})
        await discord.start()
        environment = os.environ | {
            "TOWNHALL_TELEGRAM_TOKEN": TOKEN,
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
            str(_config(tmp_path, url, telegram, discord)),
            cwd=REPO,
            env=environment,
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.STDOUT,
        )
        output: list[str] = []
        started = asyncio.Event()

        async def read() -> None:
            assert process.stdout is not None
            async for line in process.stdout:
                output.append(line.decode(errors="replace").rstrip())
                if "townhall is running" in output[-1]:
                    started.set()

        reader = asyncio.create_task(read())
        running = asyncio.create_task(started.wait())
        try:
            async with asyncio.timeout(START_SECONDS):
                await asyncio.wait([running, reader], return_when=asyncio.FIRST_COMPLETED)
            running.cancel()
            assert started.is_set(), "\n".join(output)
            yield Running(telegram, discord, process, url, output)
        finally:
            if process.returncode is None:
                process.kill()
                await process.wait()
            with contextlib.suppress(asyncio.CancelledError):
                await reader
            await discord.stop()


async def test_run_answers_on_both_platforms_then_stops_leaving_unsent_dms_queued(
    running: Running,
) -> None:
    running.telegram.push_message(QUESTION, chat_id=HELP_GROUP, sender=user(1001))
    (telegram_answer,) = await running.wait_for_telegram("sendMessage", HELP_GROUP)
    assert "/link" in telegram_answer["text"]  # type: ignore[index]

    asked = discord_api.message_payload(
        "1300000000000000001",
        discord_api.HELP_CHANNEL,
        discord_api.user(ADA, "ada"),
        QUESTION,
    ) | {"guild_id": discord_api.GUILD_ID, "member": {"roles": [], "nick": None}}
    await running.discord.dispatch("MESSAGE_CREATE", asked)
    path = rf"/channels/{discord_api.HELP_CHANNEL}/messages"
    (discord_answer,) = await running.discord.wait_for(
        lambda: running.discord.calls_to("POST", path)
    )
    assert "/link" in discord_answer.body["content"]

    await running.wait_for_telegram("sendMessage", DM_USER)
    running.process.send_signal(signal.SIGTERM)
    async with asyncio.timeout(STOP_SECONDS):
        code = await running.process.wait()
    assert code == 0, "\n".join(running.output)

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
