"""A ticket's member who blocked the bot: staff are told once, nothing is lost, and writing
to the bot again makes them reachable."""

from __future__ import annotations

import itertools
from collections.abc import AsyncIterator

import pytest

from adapters.console.session import parse_command
from bot.app import App, build_app
from core.clock import ManualClock
from core.events import Actor, EventKind, IncomingEvent, OutgoingMessage, Place, PlaceKind, Platform
from core.features.tickets import service
from core.features.tickets.models import Ticket
from tests.conftest import make_settings
from tests.fakes.fake_adapter import FakeAdapter

STAFF = Place(Platform.TELEGRAM, "-1001", PlaceKind.GROUP)
_ids = itertools.count(1)


@pytest.fixture
async def desk(database_url: str, clock: ManualClock, fake: FakeAdapter) -> AsyncIterator[App]:
    settings = make_settings(
        database_url,
        tickets={"staff_places": [f"telegram:{STAFF.chat_id}"]},
        roles={"moderators": ["telegram:2"]},
    )
    built = await build_app(settings, clock, {Platform.TELEGRAM: fake}, migrate=False)
    yield built
    await built.close()


async def _say(app: App, clock: ManualClock, user: str, text: str, place: Place) -> list[str]:
    number = str(next(_ids))
    command, arg_text = parse_command(text) if text.startswith("/") else (None, "")
    event = IncomingEvent(
        event_id=number,
        kind=EventKind.COMMAND if command else EventKind.MESSAGE,
        actor=Actor(Platform.TELEGRAM, user, f"user {user}"),
        place=place,
        received_at=clock.now(),
        message_id=number,
        text=text,
        command=command,
        arg_text=arg_text,
    )
    replies: list[OutgoingMessage] = await app.handle(event)
    return [r.text for r in replies]


def _dm(user: str) -> Place:
    return Place(Platform.TELEGRAM, user, PlaceKind.DM)


async def _blocked_after_a_ticket(desk: App, clock: ManualClock, fake: FakeAdapter) -> None:
    """The member opens a ticket, blocks the bot, and staff answer."""
    await _say(desk, clock, "1", "/ticket Refund | charged twice", _dm("1"))
    fake.blocked_users.add("1")
    await _say(desk, clock, "2", "/ticket reply T-1 The refund is on its way", STAFF)


def _to_staff(fake: FakeAdapter) -> list[str]:
    return [m.text for m in fake.sent if m.chat_id == STAFF.chat_id]


async def test_staff_hear_once_that_the_member_blocked_the_bot(
    desk: App, clock: ManualClock, fake: FakeAdapter
) -> None:
    await _blocked_after_a_ticket(desk, clock, fake)
    await desk.tick()
    await desk.tick()
    told = [t for t in _to_staff(fake) if "can't be reached" in t]
    assert len(told) == 1 and "T-1" in told[0] and "user 1" in told[0]

    later = await _say(desk, clock, "2", "/ticket reply T-1 Anything else?", STAFF)
    assert len(later) == 1 and "can't be reached" in later[0], "no 'Sent to the member'"
    async with desk.services.database.session() as session:
        ticket = await session.get_one(Ticket, 1)
        said = [m.text for m in await service.messages(session, ticket)]
    assert said[-2:] == ["The refund is on its way", "Anything else?"], "nothing is lost"


async def test_a_member_who_writes_again_is_reachable_again(
    desk: App, clock: ManualClock, fake: FakeAdapter
) -> None:
    await _blocked_after_a_ticket(desk, clock, fake)
    await desk.tick()
    fake.blocked_users.clear()
    await _say(desk, clock, "1", "sorry, I had blocked you by mistake", _dm("1"))
    sent = await _say(desk, clock, "2", "/ticket reply T-1 No problem", STAFF)
    assert "can't be reached" not in " ".join(sent)
    await desk.tick()
    assert any(m.user_id == "1" and "No problem" in m.text for m in fake.sent)
