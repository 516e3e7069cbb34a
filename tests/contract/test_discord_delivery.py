"""Discord delivery beyond a plain answer: slow handlers, edits, files, members leaving."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import pytest
import pytest_asyncio

from core.events import Attachment, EventKind, OutgoingMessage, Platform, RenderedButton, Visibility
from tests.contract.conftest import interact, new_id, posted
from tests.contract.conftest import slash as command
from tests.contract.discord_world import ADA, BOB, NO_PINGS, World, interaction_payload, open_world
from tests.fakes import discord_api as fake_api

pytestmark = pytest.mark.asyncio(loop_scope="module")

# The PNG signature and an empty IHDR-less body: enough for a file upload to be a file.
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def world(tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[World]:
    async with open_world(tmp_path_factory.mktemp("discord-delivery")) as opened:
        opened.adapter.ack_within = 0.05
        yield opened


def _followups(world: World, token: str) -> list[fake_api.Call]:
    return world.fake.calls_to("POST", rf"/webhooks/{fake_api.APP_ID}/{token}")


async def test_a_slow_private_answer_is_deferred_then_sent_as_a_follow_up(world: World) -> None:
    slow = interaction_payload(ADA, command("help"))
    release = world.recorder.gates[slow["id"]] = asyncio.Event()
    acknowledged = await interact(world.fake, slow)
    assert acknowledged == {"type": 5, "data": {"flags": 64}}, "deferred, privately thinking"
    assert _followups(world, slow["token"]) == []
    release.set()
    (follow_up,) = await world.fake.wait_for(lambda: _followups(world, slow["token"]))
    assert "Here is what I can do" in follow_up.body["content"]
    assert follow_up.body["flags"] == 64
    assert follow_up.body["allowed_mentions"] == NO_PINGS


async def test_a_slow_public_answer_goes_to_the_channel_and_the_thinking_note_goes(
    world: World,
) -> None:
    slow = interaction_payload(BOB, command("start"))
    release = world.recorder.gates[slow["id"]] = asyncio.Event()
    assert (await interact(world.fake, slow))["type"] == 5
    channel_posts = len(world.fake.calls_to("POST", rf"/channels/{fake_api.GENERAL_CHANNEL}/\w+"))
    release.set()
    original = rf"/webhooks/{fake_api.APP_ID}/{slow['token']}/messages/@original"
    await world.fake.wait_for(lambda: world.fake.calls_to("DELETE", original))
    posts = world.fake.calls_to("POST", rf"/channels/{fake_api.GENERAL_CHANNEL}/messages")
    assert len(posts) == channel_posts + 1
    assert posts[-1].body["content"].startswith("Hi ")


async def test_an_edit_replaces_the_message_text_and_its_buttons(world: World) -> None:
    channel = new_id()
    first = await world.adapter.send(
        OutgoingMessage(
            Platform.DISCORD,
            "Was this helpful?",
            chat_id=channel,
            buttons=(RenderedButton("👍", "faq.vote:1:up"),),
        )
    )
    assert first.message_id is not None
    edited = await world.adapter.send(
        OutgoingMessage(
            Platform.DISCORD,
            "Thanks for the vote",
            chat_id=channel,
            edit_message_id=first.message_id,
        )
    )
    (edit,) = world.fake.calls_to("PATCH", rf"/channels/{channel}/messages/{first.message_id}")
    assert edited.ok and edited.message_id == first.message_id
    assert edit.body["content"] == "Thanks for the vote"
    assert edit.body["components"] == []
    assert len(world.fake.calls_to("POST", rf"/channels/{channel}/messages")) == 1


async def test_an_edit_in_a_dm_edits_and_sends_nothing_new(world: World) -> None:
    dm = OutgoingMessage(
        Platform.DISCORD, "Your ticket is open", user_id=BOB, visibility=Visibility.PRIVATE
    )
    first = await world.adapter.send(dm)
    assert first.message_id is not None
    edited = await world.adapter.send(
        OutgoingMessage(
            Platform.DISCORD,
            "Your ticket is closed",
            user_id=BOB,
            visibility=Visibility.PRIVATE,
            edit_message_id=first.message_id,
        )
    )
    assert edited.ok
    (edit,) = world.fake.calls_to("PATCH", rf"/channels/\d+/messages/{first.message_id}")
    assert world.fake.dm_user(edit.path.split("/")[2]) == BOB
    assert edit.body["content"] == "Your ticket is closed"


async def test_an_attachment_is_uploaded_with_the_text(world: World) -> None:
    channel = new_id()
    chart = Attachment("chart.png", PNG, "image/png")
    receipt = await world.adapter.send(
        OutgoingMessage(
            Platform.DISCORD, "This week's answers", chat_id=channel, attachments=(chart,)
        )
    )
    assert receipt.ok
    (body,) = await posted(world.fake, channel)
    assert body["content"] == "This week's answers"
    assert body["files"] == [{"filename": "chart.png", "size": len(PNG), "bytes": PNG}]
    assert body["attachments"][0]["filename"] == "chart.png"


async def test_a_member_leaving_reaches_the_core(world: World) -> None:
    left = {"guild_id": fake_api.GUILD_ID, "user": fake_api.user(ADA, "ada")}
    await world.fake.dispatch("GUILD_MEMBER_REMOVE", left)
    event, replies = await world.recorder.wait_for(
        lambda e: e.kind is EventKind.MEMBER_LEFT and e.actor.platform_user_id == ADA
    )
    assert event.place.guild_id == fake_api.GUILD_ID
    assert event.place.chat_id == fake_api.GENERAL_CHANNEL
    assert replies == []
