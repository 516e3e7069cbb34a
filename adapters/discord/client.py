"""What the adapter needs of discord.py beyond its public models: endpoints from settings,
intents, Discord's errors as the core's receipts, and taps on the gateway's raw payloads."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from typing import Any

import discord
import yarl

from core.events import DeliveryFailure, Platform, Receipt
from core.settings import DiscordSettings

log = logging.getLogger(__name__)

CANNOT_DM_USER = 50007


def point_at(settings: DiscordSettings) -> None:
    """discord.py reads its endpoints from class attributes; set them from settings so a proxy
    (or the test fake) can stand in for Discord."""
    discord.http.Route.BASE = settings.api_base_url.rstrip("/")
    discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY = yarl.URL(settings.gateway_url)


def intents() -> discord.Intents:
    chosen = discord.Intents.none()
    chosen.guilds = True
    chosen.guild_messages = True
    chosen.guild_reactions = True
    chosen.dm_messages = True
    chosen.message_content = True
    chosen.members = True
    return chosen


def failure_of(error: Exception) -> Receipt:
    """What Discord's answer means for the outbox: give up, wait, retry later, or fix a bug."""
    if isinstance(error, discord.RateLimited):
        return Receipt(
            Platform.DISCORD,
            failure=DeliveryFailure.RATE_LIMITED,
            retry_after=error.retry_after,
            detail="rate limited",
        )
    if isinstance(error, discord.Forbidden):
        failure = (
            DeliveryFailure.BLOCKED if error.code == CANNOT_DM_USER else DeliveryFailure.FORBIDDEN
        )
        return Receipt(Platform.DISCORD, failure=failure, detail=f"{error.code} {error.text}")
    if isinstance(error, discord.HTTPException):
        if error.status == 429:
            failure = DeliveryFailure.RATE_LIMITED
        elif error.status >= 500:
            failure = DeliveryFailure.UNAVAILABLE
        else:
            failure = DeliveryFailure.INVALID
        return Receipt(
            Platform.DISCORD, failure=failure, detail=f"{error.status} {error.code} {error.text}"
        )
    return Receipt(
        Platform.DISCORD, failure=DeliveryFailure.UNAVAILABLE, detail=type(error).__name__
    )


def log_end(runner: asyncio.Task[None]) -> None:
    if not runner.cancelled() and runner.exception() is not None:
        log.error("discord connection ended", exc_info=runner.exception())


Payload = dict[str, Any]


def tap(
    client: discord.Client,
    *,
    after_parse: dict[str, Callable[[Payload], None]],
    before_parse: dict[str, Callable[[Payload], None]],
) -> None:
    """Hand gateway payloads to translation, most once discord.py has updated its cache.

    discord.py dispatches model objects only; translation reads the documented JSON so it
    can be tested on recorded payloads. The parsers table is private to discord.py: the
    contract tests drive every tapped event through the gateway fake, so an upgrade that
    changes it fails there.
    """
    parsers: dict[str, Callable[[Any], None]] = client._connection.parsers
    for name, handler in after_parse.items():
        parsers[name] = _after(parsers[name], handler)
    for name, handler in before_parse.items():
        parsers[name] = _before(parsers[name], handler)


def _after(
    parser: Callable[[Any], None], handler: Callable[[Payload], None]
) -> Callable[[Any], None]:
    def parse(data: Any) -> None:
        parser(data)
        _safely(handler, data)

    return parse


def _before(
    parser: Callable[[Any], None], handler: Callable[[Payload], None]
) -> Callable[[Any], None]:
    def parse(data: Any) -> None:
        _safely(handler, data)
        parser(data)

    return parse


def _safely(handler: Callable[[Payload], None], data: dict[str, Any]) -> None:
    """A payload translation cannot read must not end the gateway connection."""
    try:
        handler(data)
    except Exception:
        log.exception("discord payload not understood")
