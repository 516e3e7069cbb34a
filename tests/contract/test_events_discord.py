"""Events on the real discord.py against the loopback Discord: the form a bare /event create
opens."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
import pytest_asyncio
from icalendar import Calendar
from sqlalchemy import select

from core.features.events.models import Event
from tests.contract.conftest import drain, interact, posted
from tests.contract.conftest import slash as command
from tests.contract.discord_world import BOB, DAVE, World, interaction_payload, open_world
from tests.fakes import discord_api as fake_api

pytestmark = pytest.mark.asyncio(loop_scope="module")


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def world(tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[World]:
    places = {"announce_places": [f"discord:{fake_api.GENERAL_CHANNEL}"]}
    async with open_world(tmp_path_factory.mktemp("discord-events"), events=places) as opened:
        # Answer in the callback however loaded the machine (deferring is tested elsewhere).
        opened.adapter.ack_within = 60
        yield opened


def _filled(**values: str) -> list[dict[str, Any]]:
    return [
        {"type": 1, "components": [{"type": 4, "custom_id": name, "value": value}]}
        for name, value in values.items()
    ]


async def test_a_bare_event_create_opens_a_form_and_a_bad_date_is_explained(world: World) -> None:
    opening = interaction_payload(DAVE, command("event", sub="create"))
    opening["locale"] = "zh-CN"
    body = await interact(world.fake, opening)
    assert body["type"] == 9
    form = body["data"]
    assert form["custom_id"] == "form:event create" and form["title"] == "创建活动"
    fields = [c["components"][0] for c in form["components"]]
    assert [f["custom_id"] for f in fields] == ["kind", "title", "start", "place", "capacity"]
    assert [f["required"] for f in fields] == [True, True, True, False, False]
    assert fields[2]["label"] == "开始：2026-12-24 18:00 或 明天晚上6点"
    assert all(f["style"] == 1 for f in fields), "one line each"

    typed = _filled(kind="meetup", title="Drinks", start="sometime soonish", place="", capacity="")
    submit = {"custom_id": form["custom_id"], "components": typed}
    refused = await interact(world.fake, interaction_payload(DAVE, submit, kind=5))
    assert refused["type"] == 4 and refused["data"]["flags"] == 64
    assert "can't read “sometime soonish”" in refused["data"]["content"]

    typed = _filled(
        kind="meetup", title="Drinks", start="2030-01-10 18:00", place="Café", capacity="30"
    )
    submit = {"custom_id": form["custom_id"], "components": typed}
    created = await interact(world.fake, interaction_payload(DAVE, submit, kind=5))
    assert "E-1 is created" in created["data"]["content"]
    async with world.app.services.database.session() as session:
        event = await session.scalar(select(Event).where(Event.title == "Drinks"))
    assert event is not None and (event.kind, event.location, event.capacity) == (
        "meetup",
        "Café",
        30,
    )


async def _create(world: World, title: str, start: str, place: str = "") -> dict[str, Any]:
    """An event created through the form; its card as posted to the announce channel."""
    cards = len(world.fake.calls_to("POST", rf"/channels/{fake_api.GENERAL_CHANNEL}/messages"))
    opening = await interact(world.fake, interaction_payload(DAVE, command("event", sub="create")))
    typed = _filled(kind="workshop", title=title, start=start, place=place, capacity="")
    submit = {"custom_id": opening["data"]["custom_id"], "components": typed}
    await interact(world.fake, interaction_payload(DAVE, submit, kind=5))
    await drain(world.app)
    new = (await posted(world.fake, fake_api.GENERAL_CHANNEL, cards + 1))[cards:]
    (card,) = [post for post in new if title in post["content"] and post.get("components")]
    return card


async def _edit(world: World, ref: str, field: str, value: str) -> None:
    options = [
        {"type": 3, "name": "event", "value": ref},
        {"type": 3, "name": "field", "value": field},
        {"type": 3, "name": "value", "value": value},
    ]
    await interact(world.fake, interaction_payload(DAVE, command("event", *options, sub="edit")))
    await drain(world.app)


def _scheduled_calls(world: World, method: str) -> list[fake_api.Call]:
    return world.fake.calls_to(method, rf"/guilds/{fake_api.GUILD_ID}/scheduled-events(/\d+)?")


async def test_the_card_has_three_buttons_and_a_press_edits_it_in_place(world: World) -> None:
    card = await _create(world, "Card check", "2030-02-01 18:00")
    buttons = [b for row in card["components"] for b in row["components"]]
    assert [b["label"] for b in buttons] == ["✅ Going", "🤔 Maybe", "❌ Can't go"]
    assert "<t:1896199200:F>" in card["content"], "each reader sees the start in their zone"
    posts = len(world.fake.calls_to("POST", rf"/channels/{fake_api.GENERAL_CHANNEL}/messages"))
    press = {"custom_id": buttons[0]["custom_id"], "component_type": 2}
    await interact(world.fake, interaction_payload(BOB, press, kind=3))
    await drain(world.app)
    edits = world.fake.calls_to("PATCH", rf"/channels/{fake_api.GENERAL_CHANNEL}/messages/\d+")
    assert edits and "Going 1 · Maybe 0" in edits[-1].body["content"]
    assert len(edits[-1].body["components"][0]["components"]) == 3, "the buttons stay"
    after = world.fake.calls_to("POST", rf"/channels/{fake_api.GENERAL_CHANNEL}/messages")
    assert len(after) == posts, "edited in place, not posted again"


async def _ref(world: World, title: str) -> str:
    async with world.app.services.database.session() as session:
        event = await session.scalar(select(Event).where(Event.title == title))
    assert event is not None
    return event.ref


async def test_an_event_is_a_discord_scheduled_event_kept_in_step(world: World) -> None:
    await _create(world, "Office hours", "2030-03-01 17:00", "https://meet.example/oh")
    (native,) = [e for e in world.fake.scheduled_events.values() if e["name"] == "Office hours"]
    assert native["entity_type"] == 3 and native["status"] == 1
    assert native["entity_metadata"] == {"location": "https://meet.example/oh"}
    assert native["scheduled_start_time"] == "2030-03-01T17:00:00+00:00"
    assert native["scheduled_end_time"] == "2030-03-01T18:00:00+00:00"
    assert "Office hours" in native["description"]
    ref = await _ref(world, "Office hours")

    await _edit(world, ref, "start", "2030-03-02 19:30")
    await _edit(world, ref, "at", "Room 4, Town Library")
    await _edit(world, ref, "title", "Office hours (moved)")
    native = world.fake.scheduled_events[native["id"]]
    assert native["scheduled_start_time"] == "2030-03-02T19:30:00+00:00"
    assert native["scheduled_end_time"] == "2030-03-02T20:30:00+00:00"
    assert native["entity_metadata"] == {"location": "Room 4, Town Library"}
    assert native["name"] == "Office hours (moved)"
    await _edit(world, ref, "cap", "12")
    options = [{"type": 3, "name": "event", "value": ref}]
    await interact(world.fake, interaction_payload(DAVE, command("event", *options, sub="cancel")))
    await drain(world.app)
    assert world.fake.scheduled_events[native["id"]]["status"] == 4, "cancelled with it"
    mine = rf"/guilds/{fake_api.GUILD_ID}/scheduled-events/{native['id']}"
    assert len(world.fake.calls_to("PATCH", mine)) == 4, "a capacity is not Discord's business"


async def test_without_manage_events_staff_are_told_once_and_cards_carry_on(
    world: World,
) -> None:
    staff = rf"/channels/{fake_api.SUPPORT_CHANNEL}/messages"
    world.fake.bot_manages_events = False
    try:
        await _create(world, "Quiet one", "2030-04-01 10:00")
        await _create(world, "Quiet two", "2030-04-02 10:00")
        await _edit(world, await _ref(world, "Quiet one"), "title", "Quiet one, renamed")
        await drain(world.app)
    finally:
        world.fake.bot_manages_events = True
    refused = [
        c for c in world.fake.calls_to("POST", r"/guilds/\d+/scheduled-events") if c.status == 403
    ]
    assert len(refused) == 2, "each creation tried once, never retried"
    (told,) = [
        c for c in world.fake.calls_to("POST", staff) if "Manage Events" in c.body["content"]
    ]
    assert "E-" in told.body["content"]
    assert not world.fake.calls_to("PATCH", r"/guilds/\d+/scheduled-events/\d+")[4:], (
        "nothing to keep in step once refused"
    )


async def test_event_ics_answers_with_a_calendar_file_only_the_asker_sees(world: World) -> None:
    await _create(world, "Calendar check", "2030-05-06 07:15")
    ref = await _ref(world, "Calendar check")
    ics = command("event", {"type": 3, "name": "event", "value": ref}, sub="ics")
    body = await interact(world.fake, interaction_payload(BOB, ics))
    (file,) = body["files"]
    assert file["filename"] == f"{ref}.ics"
    assert body["data"]["flags"] & 64, "ephemeral: only the asker sees it"
    assert body["data"]["attachments"] == [{"id": 0, "filename": f"{ref}.ics"}]
    (event,) = Calendar.from_ical(bytes(file["bytes"])).walk("VEVENT")
    assert str(event["SUMMARY"]) == "Calendar check"
    assert event.decoded("DTSTART") == datetime(2030, 5, 6, 7, 15, tzinfo=UTC)
    (alarm,) = event.walk("VALARM")
    assert alarm.decoded("TRIGGER") == -timedelta(hours=24), "the first reminder's time"
