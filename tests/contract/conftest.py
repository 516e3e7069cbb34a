"""Building a whole app on the real client libraries against the loopback fakes.

Each contract module starts the fakes it needs and calls ``running``: one app with a
Telegram adapter, a Discord adapter, or both, every event the core handles recorded.
"""

from __future__ import annotations

import asyncio
import itertools
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from adapters.discord.adapter import DiscordAdapter
from adapters.telegram.adapter import TelegramAdapter
from bot import features
from bot.app import App, build_app
from bot.features import build_registry
from core.clock import SystemClock
from core.events import IncomingEvent, OutgoingMessage, Platform
from core.outbox import Sender
from core.render import Renderer
from tests.fakes import discord_api
from tests.fakes.discord_api import FakeDiscord
from tests.fakes.telegram_api import TOKEN, TelegramFake

KNOWLEDGE = Path(__file__).resolve().parents[2] / "knowledge"
WAIT = 10.0


@dataclass
class Recorder:
    """The core's handler, watched: what reached it and what it answered."""

    handle: Callable[[IncomingEvent], Any]
    seen: list[tuple[IncomingEvent, list[OutgoingMessage]]] = field(default_factory=list)
    changed: asyncio.Condition = field(default_factory=asyncio.Condition)
    also_wake: list[asyncio.Event] = field(default_factory=list)
    gates: dict[str, asyncio.Event] = field(default_factory=dict)

    async def __call__(self, event: IncomingEvent) -> list[OutgoingMessage]:
        """A gated event (by event id) waits for its gate: a handler as slow as a test wants."""
        gate = self.gates.get(event.event_id)
        if gate is not None:
            await gate.wait()
        replies: list[OutgoingMessage] = await self.handle(event)
        async with self.changed:
            self.seen.append((event, replies))
            self.changed.notify_all()
        for waiting in self.also_wake:
            waiting.set()
        return replies

    async def wait_for(self, predicate: Callable[[IncomingEvent], bool]) -> Any:
        async with asyncio.timeout(WAIT), self.changed:
            while not (found := [s for s in self.seen if predicate(s[0])]):
                await self.changed.wait()
            return found[0]


@dataclass
class Harness:
    """The Telegram side: wait for what the fake receives, read what was sent where."""

    fake: TelegramFake
    adapter: TelegramAdapter
    app: App
    recorder: Recorder

    @property
    def handled(self) -> list[tuple[IncomingEvent, list[OutgoingMessage]]]:
        return self.recorder.seen

    async def until(self, condition: Callable[[], Any], seconds: float = 15.0) -> Any:
        """Wait, woken by each call the fake receives, until ``condition`` holds."""
        async with asyncio.timeout(seconds):
            while True:
                self.fake.changed.clear()
                result = condition()
                if result:
                    return result
                await self.fake.changed.wait()

    def sent_to(self, chat_id: int) -> list[dict[str, Any]]:
        return [p for p in self.fake.sent if p["chat_id"] == chat_id]

    async def reply_to(self, chat_id: int, count: int = 1) -> list[dict[str, Any]]:
        return list(
            await self.until(lambda: len(self.sent_to(chat_id)) >= count and self.sent_to(chat_id))
        )


@dataclass
class Running:
    app: App
    recorder: Recorder
    telegram: TelegramAdapter | None = None
    discord: DiscordAdapter | None = None

    def telegram_harness(self, fake: TelegramFake) -> Harness:
        assert self.telegram is not None
        return Harness(fake, self.telegram, self.app, self.recorder)


@asynccontextmanager
async def running(
    folder: Path,
    *,
    telegram: TelegramFake | None = None,
    discord: FakeDiscord | None = None,
    **sections: dict[str, Any],
) -> AsyncIterator[Running]:
    """The app with an adapter for each fake given, started; stopped on the way out."""
    data: dict[str, Any] = {
        "database": {"url": f"sqlite+aiosqlite:///{folder}/townhall.db"},
        "knowledge": {"dir": str(KNOWLEDGE)},
    }
    if telegram is not None:
        data["telegram"] = {"enabled": True, "token": TOKEN, "base_url": telegram.base_url}
    if discord is not None:
        data["discord"] = {
            "enabled": True,
            "token": "fake-token",
            "api_base_url": discord.api_base_url,
            "gateway_url": discord.gateway_url,
            "moderator_role_ids": [discord_api.MOD_ROLE],
            "guild_ready_timeout": 0.1,
        }
    settings = features.settings_model().model_validate(data | sections)
    registry, renderer = build_registry(), Renderer()
    holder: list[App] = []

    def autocomplete(source: str, current: str, locale: str) -> list[str]:
        app = holder[0]
        return features.autocomplete(app.features, app.services)(source, current, locale)

    tg = TelegramAdapter(settings, registry, renderer) if telegram else None
    dc = DiscordAdapter(settings, registry, renderer, autocomplete) if discord else None
    senders: dict[Platform, Sender] = {}
    if tg is not None:
        senders[Platform.TELEGRAM] = tg
    if dc is not None:
        senders[Platform.DISCORD] = dc
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("NO_PROXY", "127.0.0.1")
        patch.setenv("no_proxy", "127.0.0.1")
        # PTB 22 warns that RetryAfter.retry_after is becoming a timedelta; take it as one.
        patch.setenv("PTB_TIMEDELTA", "true")
        app = await build_app(settings, SystemClock(), senders)
        holder.append(app)
        recorder = Recorder(app.handle)
        if telegram is not None:
            recorder.also_wake.append(telegram.changed)
        started: list[TelegramAdapter | DiscordAdapter] = []
        try:
            for adapter in (tg, dc):
                if adapter is not None:
                    await adapter.start(recorder)
                    started.append(adapter)
            yield Running(app, recorder, tg, dc)
        finally:
            for adapter in reversed(started):
                await adapter.stop()
            await app.close()


async def drain(app: App) -> None:
    """Run the outbox until nothing is due, waiting out the rate windows as the dispatcher's
    own loop does (a DM right after an answer in the same chat waits its second)."""
    while True:
        sent, retry_in = await app.dispatcher.dispatch_due()
        if not sent and retry_in == float("inf"):
            return
        await asyncio.sleep(min(retry_in, 0.1))


# Discord payloads and round trips

_ids = itertools.count(1_700_000_000_000_000_000)


def new_id() -> str:
    """Snowflakes for what a test sends, apart from the ids the fake hands out."""
    return str(next(_ids))


def interaction_payload(
    roster: FakeDiscord,
    who: str,
    data: dict[str, Any],
    *,
    kind: int = 2,
    nick: str | None = None,
    channel: str = discord_api.GENERAL_CHANNEL,
) -> dict[str, Any]:
    """An INTERACTION_CREATE from ``who`` (one of ``roster``'s members) in the server."""
    member = roster.member_payload(who) | {
        "permissions": str(roster.permissions_of(who)),
        "nick": nick,
    }
    return {
        "id": new_id(),
        "application_id": discord_api.APP_ID,
        "type": kind,
        "token": f"token-{new_id()}",
        "version": 1,
        "guild_id": discord_api.GUILD_ID,
        "channel_id": channel,
        "channel": {"id": channel, "type": 0, "guild_id": discord_api.GUILD_ID},
        "member": member,
        "locale": "en-US",
        "app_permissions": "0",
        "attachment_size_limit": 10485760,
        "entitlements": [],
        "authorizing_integration_owners": {"0": discord_api.GUILD_ID},
        "context": 0,
        "data": data,
    }


def slash(name: str, *options: dict[str, Any], sub: str | None = None) -> dict[str, Any]:
    """The ``data`` of a slash command interaction."""
    listed = list(options)
    if sub is not None:
        listed = [{"type": 1, "name": sub, "options": listed}]
    return {"id": new_id(), "name": name, "type": 1, "options": listed}


async def interact(fake: FakeDiscord, payload: dict[str, Any]) -> dict[str, Any]:
    """Push an interaction; the body of its callback (the acknowledgement)."""
    path = f"/interactions/{payload['id']}/{payload['token']}/callback"
    await fake.dispatch("INTERACTION_CREATE", payload)
    calls = await fake.wait_for(lambda: fake.calls_to("POST", path))
    body: dict[str, Any] = calls[0].body
    return body


async def posted(fake: FakeDiscord, channel: str, count: int = 1) -> list[dict[str, Any]]:
    """The first ``count`` or more messages posted to ``channel``, once there are that many."""
    pattern = rf"/channels/{channel}/messages"
    calls = await fake.wait_for(
        lambda: (found := fake.calls_to("POST", pattern)) and len(found) >= count and found
    )
    return [c.body for c in calls]
