"""One person on both platforms: one app, the real Telegram and Discord libraries, both fakes."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass

import pytest
import pytest_asyncio
from sqlalchemy import select

from core.events import Reply
from core.members.models import Identity
from tests.contract.conftest import (
    Harness,
    Running,
    drain,
    interact,
    interaction_payload,
    running,
    slash,
)
from tests.fakes.discord_api import FakeDiscord
from tests.fakes.telegram_api import TelegramFake, user
from tests.unit.chat import code_in

pytestmark = pytest.mark.asyncio(loop_scope="module")

ALICE_TG = 7001
ALICE_DC = "1200000000000000021"


@dataclass
class Both:
    telegram: Harness
    discord: FakeDiscord
    world: Running


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def both(tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[Both]:
    telegram, discord = TelegramFake(), FakeDiscord(members={ALICE_DC: ("alice", [])})
    await telegram.start()
    await discord.start()
    try:
        folder = tmp_path_factory.mktemp("linking")
        async with running(folder, telegram=telegram, discord=discord) as world:
            yield Both(world.telegram_harness(telegram), discord, world)
    finally:
        await discord.stop()
        await telegram.stop()


async def test_link_on_telegram_code_on_discord_then_dms_go_where_settings_say(
    both: Both,
) -> None:
    tg, app = both.telegram, both.world.app
    alice = user(ALICE_TG, "Alice")
    tg.fake.push_message("/link", chat_id=ALICE_TG, sender=alice)
    (offer,) = await tg.reply_to(ALICE_TG)
    assert "Discord" in offer["text"]

    option = {"type": 3, "name": "code", "value": code_in(offer["text"])}
    press = interaction_payload(both.discord, ALICE_DC, slash("link", option))
    linked = await interact(both.discord, press)
    assert linked["data"]["flags"] == 64, "the confirmation is ephemeral"
    assert linked["data"]["content"].startswith("Done: your Telegram and Discord accounts")
    await drain(app)
    notice = (await tg.reply_to(ALICE_TG, 2))[1]
    assert "now linked with your Discord account" in notice["text"]

    tg.fake.push_message("/settings", chat_id=ALICE_TG, sender=alice)
    shown = (await tg.reply_to(ALICE_TG, 3))[2]
    assert "on Telegram" in shown["text"]
    message = next(
        c.result
        for c in reversed(tg.fake.calls)
        if c.method == "sendMessage" and c.params["chat_id"] == ALICE_TG
    )
    tg.fake.push_callback("accounts.dm:discord", sender=alice, message=message)
    changed = (await tg.reply_to(ALICE_TG, 4))[3]
    assert "on Discord" in changed["text"]

    async with app.services.database.session() as session:
        identities = list(await session.scalars(select(Identity)))
        assert {i.member_id for i in identities} == {identities[0].member_id}
        await app.services.notifier.to_member(
            session, identities[0].member_id, Reply("general/start", {"name": "Alice"}), "dm:1"
        )
        await session.commit()
    await drain(app)
    (opened,) = both.discord.calls_to("POST", "/users/@me/channels")
    assert str(opened.body["recipient_id"]) == ALICE_DC
    (dm,) = [
        c.body
        for c in both.discord.calls_to("POST", r"/channels/(\d+)/messages")
        if both.discord.dm_user(c.path.split("/")[2]) == ALICE_DC
    ]
    assert dm["content"].startswith("Hi Alice!")
    assert len(tg.sent_to(ALICE_TG)) == 4, "nothing more on Telegram"
