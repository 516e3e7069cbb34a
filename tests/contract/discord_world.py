"""The Discord contract tests' world: the whole app on the real discord.py, a loopback
Discord, and helpers that build the payloads members' actions produce."""

from __future__ import annotations

import asyncio
import contextlib
import itertools
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from adapters.discord.adapter import DiscordAdapter
from bot.app import App, build_app, build_registry
from core.clock import SystemClock
from core.events import IncomingEvent, OutgoingMessage, Platform
from core.render import Renderer
from core.settings import Settings
from tests.fakes import discord_api as fake_api
from tests.fakes.discord_api import FakeDiscord

KNOWLEDGE = Path(__file__).resolve().parents[2] / "knowledge"
ADA = "1200000000000000001"  # a member
BOB = "1200000000000000002"  # a member who presses buttons
CAROL = "1200000000000000003"  # has Manage Server through a role
DAVE = "1200000000000000004"  # has the configured moderator role
ERIN = "1200000000000000005"  # closed her DMs
MALLORY = "1200000000000000006"  # writes pings into her nickname
FRANK = "1200000000000000007"  # switches to Chinese
NEWCOMER = "1200000000000000009"
NO_PINGS = {"parse": []}
MEMBERS = {
    ADA: ("ada", []),
    BOB: ("bob", []),
    CAROL: ("carol", [fake_api.MANAGER_ROLE]),
    DAVE: ("dave", [fake_api.MOD_ROLE]),
    ERIN: ("erin", []),
    MALLORY: ("mallory", []),
    FRANK: ("frank", []),
}
_roster = FakeDiscord(members=MEMBERS)

_ids = itertools.count(1_800_000_000_000_000_000)


def new_id() -> str:
    return str(next(_ids))


@dataclass
class Recorder:
    """The core's handler, watched: what reached it and what it answered."""

    handle: Callable[[IncomingEvent], Any]
    seen: list[tuple[IncomingEvent, list[OutgoingMessage]]] = field(default_factory=list)
    changed: asyncio.Condition = field(default_factory=asyncio.Condition)
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
        return replies

    async def wait_for(self, predicate: Callable[[IncomingEvent], bool]) -> Any:
        async with asyncio.timeout(10), self.changed:
            while not (found := [s for s in self.seen if predicate(s[0])]):
                await self.changed.wait()
            return found[0]


@dataclass
class World:
    fake: FakeDiscord
    adapter: DiscordAdapter
    app: App
    recorder: Recorder


@contextlib.asynccontextmanager
async def open_world(folder: Path) -> AsyncIterator[World]:
    """The whole app on the Discord adapter, connected to a fresh fake."""
    fake = FakeDiscord(members=MEMBERS, closed_dms={ERIN})
    await fake.start()
    settings = Settings.model_validate(
        {
            "database": {"url": f"sqlite+aiosqlite:///{folder}/d.db"},
            "knowledge": {"dir": str(KNOWLEDGE)},
            "faq": {"help_channels": [f"discord:{fake_api.HELP_CHANNEL}"]},
            "discord": {
                "enabled": True,
                "token": "fake-token",
                "api_base_url": fake.api_base_url,
                "gateway_url": fake.gateway_url,
                "moderator_role_ids": [fake_api.MOD_ROLE],
                "guild_ready_timeout": 0.1,
            },
        }
    )
    holder: list[App] = []

    def autocomplete(source: str, current: str, locale: str) -> list[str]:
        return [e.id for e in holder[0].services.faq.entries(locale) if current in e.id]

    adapter = DiscordAdapter(settings, build_registry(), Renderer(), autocomplete)
    app = await build_app(settings, SystemClock(), {Platform.DISCORD: adapter})
    holder.append(app)
    recorder = Recorder(app.handle)
    await adapter.start(recorder)
    try:
        yield World(fake, adapter, app, recorder)
    finally:
        await adapter.stop()
        await app.close()
        await fake.stop()


def message_payload(author: str, text: str, channel: str, *, guild: bool = True) -> dict[str, Any]:
    payload = fake_api.message_payload(new_id(), channel, fake_api.user(author, "someone"), text)
    if guild:
        payload["guild_id"] = fake_api.GUILD_ID
        member = {k: v for k, v in _roster.member_payload(author).items() if k != "user"}
        payload["member"] = member
    return payload


def interaction_payload(
    who: str, data: dict[str, Any], *, kind: int = 2, nick: str | None = None
) -> dict[str, Any]:
    member = _roster.member_payload(who) | {
        "permissions": str(_roster.permissions_of(who)),
        "nick": nick,
    }
    return {
        "id": new_id(),
        "application_id": fake_api.APP_ID,
        "type": kind,
        "token": f"token-{new_id()}",
        "version": 1,
        "guild_id": fake_api.GUILD_ID,
        "channel_id": fake_api.GENERAL_CHANNEL,
        "channel": {"id": fake_api.GENERAL_CHANNEL, "type": 0, "guild_id": fake_api.GUILD_ID},
        "member": member,
        "locale": "en-US",
        "app_permissions": "0",
        "attachment_size_limit": 10485760,
        "entitlements": [],
        "authorizing_integration_owners": {"0": fake_api.GUILD_ID},
        "context": 0,
        "data": data,
    }


def command(name: str, *options: dict[str, Any], sub: str | None = None) -> dict[str, Any]:
    listed = list(options)
    if sub is not None:
        listed = [{"type": 1, "name": sub, "options": listed}]
    return {"id": new_id(), "name": name, "type": 1, "options": listed}


async def interact(world: World, payload: dict[str, Any]) -> dict[str, Any]:
    """Push an interaction; the body of its callback (the acknowledgement)."""
    path = f"/interactions/{payload['id']}/{payload['token']}/callback"
    await world.fake.dispatch("INTERACTION_CREATE", payload)
    calls = await world.fake.wait_for(lambda: world.fake.calls_to("POST", path))
    body: dict[str, Any] = calls[0].body
    return body


async def posted(world: World, channel: str, count: int = 1) -> list[dict[str, Any]]:
    pattern = rf"/channels/{channel}/messages"
    calls = await world.fake.wait_for(
        lambda: (found := world.fake.calls_to("POST", pattern)) and len(found) >= count and found
    )
    return [c.body for c in calls]


def renderer_text(template: str, context: dict[str, Any], locale: str = "en") -> str:
    return Renderer().render(template, context, platform=Platform.DISCORD, locale=locale)
