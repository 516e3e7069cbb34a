"""``discord.shards`` set: discord.py's AutoShardedClient, one gateway connection per shard.

The fake routes each guild's events to the shard that owns it, as Discord does, so an event
reaches the core once, from whichever shard it arrives on.
"""

from __future__ import annotations

import discord
import pytest

from adapters.discord.adapter import DiscordAdapter
from bot.features import build_registry
from core.events import IncomingEvent, OutgoingMessage, Platform
from core.render import Renderer
from core.settings import Settings
from tests.contract.conftest import new_id
from tests.contract.discord_world import ADA, message_payload
from tests.fakes import discord_api as fake_api
from tests.fakes.discord_api import FakeDiscord

SHARDS = 2


@pytest.fixture
def fake() -> FakeDiscord:
    return FakeDiscord(members={ADA: ("ada", [])})


async def test_events_from_every_shard_reach_the_core_once(fake: FakeDiscord) -> None:
    heard: list[IncomingEvent] = []

    async def echo(event: IncomingEvent) -> list[OutgoingMessage]:
        heard.append(event)
        reply = f"heard {event.text}"
        return [OutgoingMessage(Platform.DISCORD, reply, chat_id=event.place.chat_id)]

    await fake.start()
    settings = Settings.model_validate(
        {
            "discord": {
                "enabled": True,
                "token": "fake-token",
                "api_base_url": fake.api_base_url,
                "gateway_url": fake.gateway_url,
                "shards": SHARDS,
                "guild_ready_timeout": 0.1,
            }
        }
    )
    adapter = DiscordAdapter(settings, build_registry(), Renderer())
    try:
        await adapter.start(echo)
        assert isinstance(adapter.client, discord.AutoShardedClient)
        assert sorted(i["shard"] for i in fake.identified) == [[0, SHARDS], [1, SHARDS]]
        guild_shard = (int(fake_api.GUILD_ID) >> 22) % SHARDS
        assert adapter.client.get_guild(int(fake_api.GUILD_ID)).shard_id == guild_shard  # type: ignore[union-attr]

        await fake.dispatch(
            "MESSAGE_CREATE", message_payload(ADA, "in the guild", fake_api.HELP_CHANNEL)
        )
        dm_channel = new_id()
        await fake.dispatch(
            "MESSAGE_CREATE", message_payload(ADA, "in a DM", dm_channel, guild=False)
        )
        answers = await fake.wait_for(
            lambda: (
                (found := fake.calls_to("POST", r"/channels/\d+/messages"))
                and len(found) == 2
                and found
            )
        )
        assert {(a.path, a.body["content"]) for a in answers} == {
            (f"/channels/{fake_api.HELP_CHANNEL}/messages", "heard in the guild"),
            (f"/channels/{dm_channel}/messages", "heard in a DM"),
        }
        assert sorted(e.text for e in heard) == ["in a DM", "in the guild"]
    finally:
        await adapter.stop()
        await fake.stop()
