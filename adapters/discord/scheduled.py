"""Discord Scheduled Events: the native entry in a server's event list that members can mark
"Interested" and be notified by Discord itself. The core queues one to create, bring in
step or cancel (core.events.ScheduledEvent); this makes the one request it takes."""

from __future__ import annotations

from typing import Any

import aiohttp
import discord

from adapters.discord.client import failure_of
from core.clock import as_utc
from core.events import DeliveryFailure, OutgoingMessage, Platform, Receipt, ScheduledEvent

EXTERNAL = 3
"""An event somewhere else (a link or an address), the only kind needing no voice channel."""
GUILD_ONLY = 2
CANCELED = 4
NAME_LIMIT, DESCRIPTION_LIMIT, LOCATION_LIMIT = 100, 1000, 100


def fields(event: ScheduledEvent, description: str, channel_url: str) -> dict[str, Any]:
    """The event as Discord's JSON: an external event, its place or else the card's channel."""
    return {
        "name": event.name[:NAME_LIMIT],
        "description": description[:DESCRIPTION_LIMIT],
        "privacy_level": GUILD_ONLY,
        "entity_type": EXTERNAL,
        "entity_metadata": {"location": (event.location or channel_url)[:LOCATION_LIMIT]},
        "scheduled_start_time": as_utc(event.starts_at).isoformat(),
        "scheduled_end_time": as_utc(event.ends_at).isoformat(),
    }


async def schedule(client: discord.Client, message: OutgoingMessage) -> Receipt:
    """Create (the receipt names the new id), edit, or cancel, in the server of the
    message's channel."""
    event = message.scheduled
    channel = client.get_channel(int(message.chat_id or 0))
    guild = getattr(channel, "guild", None)
    if event is None or channel is None or guild is None:
        detail = f"channel {message.chat_id} is in no server the bot is in"
        return Receipt(Platform.DISCORD, failure=DeliveryFailure.INVALID, detail=detail)
    url = f"https://discord.com/channels/{guild.id}/{channel.id}"
    try:
        if event.discord_id is None:
            made = await client.http.create_guild_scheduled_event(
                guild.id, **fields(event, message.text, url)
            )
            return Receipt(Platform.DISCORD, message_id=str(made["id"]))
        change = {"status": CANCELED} if event.cancelled else fields(event, message.text, url)
        await client.http.edit_scheduled_event(guild.id, event.discord_id, **change)
    except (discord.DiscordException, aiohttp.ClientError, TimeoutError, OSError) as error:
        return failure_of(error)
    return Receipt(Platform.DISCORD, message_id=event.discord_id)
