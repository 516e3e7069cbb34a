"""Events on the real discord.py against the loopback Discord: the form a bare /event create
opens."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import pytest
import pytest_asyncio
from sqlalchemy import select

from core.features.events.models import Event
from tests.contract.conftest import interact
from tests.contract.conftest import slash as command
from tests.contract.discord_world import DAVE, World, interaction_payload, open_world
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
