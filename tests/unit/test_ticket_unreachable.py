"""A ticket's member who blocked the bot: staff are told once, nothing is lost, and writing
to the bot again makes them reachable."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from bot.app import build_app
from core.clock import ManualClock
from core.events import Place, PlaceKind
from core.features.tickets import service
from core.features.tickets.models import Ticket
from tests.conftest import make_settings
from tests.fakes.fake_adapter import FakeAdapter
from tests.unit.chat import DC, TG, Chat

STAFF = Place(TG, "-1001", PlaceKind.GROUP)


@pytest.fixture
async def desk(database_url: str, clock: ManualClock) -> AsyncIterator[Chat]:
    settings = make_settings(
        database_url,
        tickets={"staff_places": [f"telegram:{STAFF.chat_id}"]},
        roles={"moderators": ["telegram:bob"]},
    )
    telegram, discord = FakeAdapter(TG), FakeAdapter(DC)
    app = await build_app(settings, clock, {TG: telegram, DC: discord}, migrate=False)
    yield Chat(app, clock, telegram, discord)
    await app.close()


async def _staff_say(desk: Chat, text: str) -> list[str]:
    return [reply.text for reply in await desk.say(TG, "bob", text, place=STAFF)]


async def _blocked_after_a_ticket(desk: Chat) -> None:
    """The member opens a ticket, blocks the bot, and staff answer."""
    await desk.say(TG, "ada", "/ticket Refund | charged twice")
    desk.telegram.blocked_users.add("ada")
    await _staff_say(desk, "/ticket reply T-1 The refund is on its way")


def _to_staff(desk: Chat) -> list[str]:
    return [m.text for m in desk.telegram.sent if m.chat_id == STAFF.chat_id]


async def test_staff_hear_once_that_the_member_blocked_the_bot(desk: Chat) -> None:
    await _blocked_after_a_ticket(desk)
    await desk.app.tick()
    await desk.app.tick()
    told = [t for t in _to_staff(desk) if "can't be reached" in t]
    assert len(told) == 1 and "T-1" in told[0] and "Ada" in told[0]

    later = await _staff_say(desk, "/ticket reply T-1 Anything else?")
    assert len(later) == 1 and "can't be reached" in later[0], "no 'Sent to the member'"
    async with desk.app.services.database.session() as session:
        ticket = await session.get_one(Ticket, 1)
        said = [m.text for m in await service.messages(session, ticket)]
    assert said[-2:] == ["The refund is on its way", "Anything else?"], "nothing is lost"


async def test_a_member_who_writes_again_is_reachable_again(desk: Chat) -> None:
    await _blocked_after_a_ticket(desk)
    await desk.app.tick()
    desk.telegram.blocked_users.clear()
    await desk.say(TG, "ada", "sorry, I had blocked you by mistake")
    sent = await _staff_say(desk, "/ticket reply T-1 No problem")
    assert "can't be reached" not in " ".join(sent)
    await desk.app.tick()
    assert any(m.user_id == "ada" and "No problem" in m.text for m in desk.telegram.sent)
