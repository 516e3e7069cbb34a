"""The founder's digest reaches them as a DM with its chart as an image: a photo on Telegram
(python-telegram-bot against the loopback Telegram), an uploaded PNG on Discord (discord.py
against the loopback Discord)."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.contract.conftest import drain, running
from tests.contract.discord_world import FRANK, MEMBERS, message_payload
from tests.fakes import discord_api as fake_api
from tests.fakes.discord_api import FakeDiscord
from tests.fakes.telegram_api import TelegramFake, user

pytestmark = pytest.mark.asyncio

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
FOUNDER_TG = 7001
# Hour 0: whenever the test runs, today's digest is due.
DUE_NOW = {"hour": 0}


async def test_the_digest_arrives_on_telegram_as_a_photo_after_its_text(tmp_path: Path) -> None:
    fake = TelegramFake()
    await fake.start()
    try:
        async with running(
            tmp_path,
            telegram=fake,
            roles={"founders": [f"telegram:{FOUNDER_TG}"]},
            digest=DUE_NOW,
        ) as world:
            fake.push_message("/help", chat_id=FOUNDER_TG, sender=user(FOUNDER_TG))
            harness = world.telegram_harness(fake)
            await harness.reply_to(FOUNDER_TG)
            assert await world.app.sweeper.run("digest") == 1
            await drain(world.app)
            (photo,) = await harness.until(lambda: fake.called("sendPhoto"))
    finally:
        await fake.stop()
    assert photo["chat_id"] == FOUNDER_TG
    assert photo["photo"]["filename"] == "digest.png"
    assert photo["photo"]["bytes"].startswith(PNG_SIGNATURE)
    # A short digest is the photo's caption; a long one goes first as its own message.
    text = photo["caption"]
    assert text.startswith("<b>Your daily digest: ") and "Daily active members: " in text


async def test_the_digest_arrives_on_discord_as_an_uploaded_png(tmp_path: Path) -> None:
    fake = FakeDiscord(members=MEMBERS)
    await fake.start()
    try:
        async with running(
            tmp_path, discord=fake, roles={"founders": [f"discord:{FRANK}"]}, digest=DUE_NOW
        ) as world:
            await fake.dispatch(
                "MESSAGE_CREATE", message_payload(FRANK, "hello", fake_api.GENERAL_CHANNEL)
            )
            await world.recorder.wait_for(lambda e: e.actor.platform_user_id == FRANK)
            assert await world.app.sweeper.run("digest") == 1
            await drain(world.app)
            (post,) = await fake.wait_for(
                lambda: [
                    c
                    for c in fake.calls_to("POST", r"/channels/\d+/messages")
                    if fake.dm_user(c.path.split("/")[2]) == FRANK
                ]
            )
    finally:
        await fake.stop()
    assert post.body["files"][0]["filename"] == "digest.png"
    assert post.body["files"][0]["size"] > 10_000, "a real chart, not an empty file"
    assert post.body["content"].startswith("**Your daily digest: ")
