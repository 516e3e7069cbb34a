"""Webhook mode (``telegram.webhook_url``): Telegram posts updates to our listener.

The adapter registers the webhook with a secret that Telegram echoes in a header; only posts
that carry it are taken.
"""

from __future__ import annotations

import asyncio
import socket
from collections.abc import AsyncIterator
from dataclasses import dataclass

import aiohttp
import pytest
import pytest_asyncio

from adapters.telegram.adapter import TelegramAdapter
from bot.features import build_registry
from core.events import IncomingEvent, OutgoingMessage, Platform
from core.render import Renderer
from core.settings import Settings
from tests.fakes.telegram_api import TOKEN, TelegramFake, chat, user

PUBLIC_URL = "https://bot.example.org/telegram/updates"
SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"


@dataclass
class Webhook:
    fake: TelegramFake
    url: str
    secret: str


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


async def echo(event: IncomingEvent) -> list[OutgoingMessage]:
    return [OutgoingMessage(Platform.TELEGRAM, f"heard {event.text}", chat_id=event.place.chat_id)]


@pytest_asyncio.fixture
async def webhook(monkeypatch: pytest.MonkeyPatch) -> AsyncIterator[Webhook]:
    monkeypatch.setenv("NO_PROXY", "127.0.0.1")
    monkeypatch.setenv("no_proxy", "127.0.0.1")
    port = _free_port()
    async with TelegramFake() as fake:
        settings = Settings.model_validate(
            {
                "telegram": {
                    "enabled": True,
                    "token": TOKEN,
                    "base_url": fake.base_url,
                    "webhook_url": PUBLIC_URL,
                    "webhook_listen": f"127.0.0.1:{port}",
                }
            }
        )
        adapter = TelegramAdapter(settings, build_registry(), Renderer())
        await adapter.start(echo)
        try:
            (registered,) = fake.called("setWebhook")
            assert registered["url"] == PUBLIC_URL
            assert fake.called("getUpdates") == [], "no polling in webhook mode"
            url = f"http://127.0.0.1:{port}/telegram/updates"
            yield Webhook(fake, url, registered["secret_token"])
        finally:
            await adapter.stop()


def _update(update_id: int, text: str) -> dict[str, object]:
    return {
        "update_id": update_id,
        "message": {
            "message_id": update_id,
            "date": 1795000000,
            "chat": chat(8001),
            "from": user(8001),
            "text": text,
        },
    }


async def _replies(fake: TelegramFake) -> list[dict[str, object]]:
    async with asyncio.timeout(10):
        while not fake.sent:
            fake.changed.clear()
            await fake.changed.wait()
    return fake.sent


async def test_an_update_posted_to_the_webhook_is_answered(webhook: Webhook) -> None:
    async with aiohttp.ClientSession() as client:
        refused = await client.post(
            webhook.url, json=_update(1, "forged"), headers={SECRET_HEADER: "wrong"}
        )
        accepted = await client.post(
            webhook.url, json=_update(2, "hello"), headers={SECRET_HEADER: webhook.secret}
        )
    assert refused.status == 403
    assert accepted.status == 200
    (reply,) = await _replies(webhook.fake)
    assert (reply["chat_id"], reply["text"]) == (8001, "heard hello")
