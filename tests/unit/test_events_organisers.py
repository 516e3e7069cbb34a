"""[events] organiser_role_ids: a Discord member holding one of the roles may create events,
one without it is refused."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest_asyncio

from bot.app import App, build_app
from core.clock import ManualClock
from core.events import Actor, EventKind, IncomingEvent, Place, PlaceKind
from tests.conftest import make_settings
from tests.fakes.fake_adapter import FakeAdapter
from tests.unit.chat import DC, TG

ORGANISERS_ROLE = "1000000000000000077"


@pytest_asyncio.fixture
async def app(database_url: str, clock: ManualClock) -> AsyncIterator[App]:
    settings = make_settings(database_url, events={"organiser_role_ids": [ORGANISERS_ROLE]})
    built = await build_app(
        settings, clock, {TG: FakeAdapter(TG), DC: FakeAdapter(DC)}, migrate=False
    )
    yield built
    await built.close()


async def _create(app: App, clock: ManualClock, user: str, roles: tuple[str, ...]) -> str:
    event = IncomingEvent(
        event_id=f"create-{user}",
        kind=EventKind.COMMAND,
        actor=Actor(DC, user, user.title(), role_ids=roles),
        place=Place(DC, "1100000000000000011", PlaceKind.CHANNEL, "guild"),
        received_at=clock.now(),
        text="/event create webinar Intro | 2030-01-10 18:00",
        command="event",
        arg_text="create webinar Intro | 2030-01-10 18:00",
    )
    (reply,) = await app.handle(event)
    return reply.text


async def test_a_member_with_an_organiser_role_creates_and_one_without_is_refused(
    app: App, clock: ManualClock
) -> None:
    assert "Only moderators and organisers" in await _create(app, clock, "ada", ())
    assert "E-1 is created" in await _create(app, clock, "olga", (ORGANISERS_ROLE,))
