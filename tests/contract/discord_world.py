"""The Discord contract tests' world: the whole app on the real discord.py against a
loopback Discord whose server has a known cast of members, and the payloads they produce."""

from __future__ import annotations

import contextlib
import functools
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from adapters.discord.adapter import DiscordAdapter
from bot.app import App
from core.events import Platform
from core.render import Renderer
from tests.contract.conftest import Recorder, new_id, running
from tests.contract.conftest import interaction_payload as _interaction_payload
from tests.fakes import discord_api as fake_api
from tests.fakes.discord_api import FakeDiscord

ADA = "1200000000000000001"  # a member
BOB = "1200000000000000002"  # a member who presses buttons
CAROL = "1200000000000000003"  # has Manage Server through a role
DAVE = "1200000000000000004"  # has the configured moderator role
ERIN = "1200000000000000005"  # closed her DMs
MALLORY = "1200000000000000006"  # writes pings into her nickname
FRANK = "1200000000000000007"  # switches to Chinese
GRACE = "1200000000000000008"  # asks for a human and rates the help
HENRY = "1200000000000000010"  # closes his DMs while his ticket is open
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
    GRACE: ("grace", []),
    HENRY: ("henry", []),
}
_roster = FakeDiscord(members=MEMBERS)

interaction_payload = functools.partial(_interaction_payload, _roster)


@dataclass
class World:
    fake: FakeDiscord
    adapter: DiscordAdapter
    app: App
    recorder: Recorder


@contextlib.asynccontextmanager
async def open_world(
    folder: Path,
    *,
    roles: dict[str, tuple[str, int]] | None = None,
    **sections: dict[str, Any],
) -> AsyncIterator[World]:
    """The whole app on the Discord adapter, connected to a fresh fake whose server also has
    ``roles`` (id → (name, position)); ``sections`` add to the configuration."""
    fake = FakeDiscord(members=MEMBERS, closed_dms={ERIN}, roles=roles or {})
    await fake.start()
    try:
        help_channels = {"help_channels": [f"discord:{fake_api.HELP_CHANNEL}"]}
        desk = {"staff_places": [f"discord:{fake_api.SUPPORT_CHANNEL}"]}
        async with running(
            folder, discord=fake, faq=help_channels, tickets=desk, **sections
        ) as app:
            assert app.discord is not None
            yield World(fake, app.discord, app.app, app.recorder)
    finally:
        await fake.stop()


def message_payload(author: str, text: str, channel: str, *, guild: bool = True) -> dict[str, Any]:
    payload = fake_api.message_payload(new_id(), channel, fake_api.user(author, "someone"), text)
    if guild:
        payload["guild_id"] = fake_api.GUILD_ID
        member = {k: v for k, v in _roster.member_payload(author).items() if k != "user"}
        payload["member"] = member
    return payload


def renderer_text(template: str, context: dict[str, Any], locale: str = "en") -> str:
    return Renderer().render(template, context, platform=Platform.DISCORD, locale=locale)
