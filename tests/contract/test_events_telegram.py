"""The event card on the real python-telegram-bot against the loopback Telegram: posted to
the announce group with its three buttons, and edited in place when a member answers."""

from __future__ import annotations

import asyncio
import re
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta

import pytest
import pytest_asyncio
from icalendar import Calendar

from tests.contract.conftest import Harness, drain, running
from tests.fakes.telegram_api import TelegramFake, user

pytestmark = pytest.mark.asyncio(loop_scope="module")

EVENTS_GROUP = -1001000000042
ORGANISER, MEMBER = 3001, 3002


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def tg(tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[Harness]:
    fake = TelegramFake()
    await fake.start()
    fake.administrators[EVENTS_GROUP] = [ORGANISER]
    folder = tmp_path_factory.mktemp("telegram-events")
    try:
        places = {"announce_places": [f"telegram:{EVENTS_GROUP}"]}
        async with running(folder, telegram=fake, events=places) as world:
            yield world.telegram_harness(fake)
    finally:
        await fake.stop()


async def test_the_card_has_three_buttons_and_is_edited_in_place(tg: Harness) -> None:
    tg.fake.push_message(
        "/event create meetup Drinks | 2030-01-10 18:00 | cap 30 | in Europe/Berlin",
        chat_id=EVENTS_GROUP,
        sender=user(ORGANISER),
    )
    await tg.until(lambda: tg.fake.called("sendMessage"))
    await drain(tg.app)
    card = next(
        c for c in tg.fake.calls if c.method == "sendMessage" and "📅 E-1" in c.params["text"]
    )
    assert card.params["chat_id"] == EVENTS_GROUP
    assert "Thursday 10 January 2030 at 18:00 (Europe/Berlin)" in card.params["text"]
    keyboard = card.params["reply_markup"]["inline_keyboard"]
    labels = [button["text"] for row in keyboard for button in row]
    assert labels == ["✅ Going", "🤔 Maybe", "❌ Can't go"]
    going = keyboard[0][0]["callback_data"]

    tg.fake.push_callback(going, sender=user(MEMBER), message=card.result)
    await tg.until(lambda: len(tg.handled) >= 2)
    await tg.until(lambda: tg.fake.called("answerCallbackQuery"))
    # The group's own send window (one message a second) holds the edit back a moment.
    for _ in range(40):
        await drain(tg.app)
        if tg.fake.called("editMessageText"):
            break
        await asyncio.sleep(0.1)
    edit = await tg.until(lambda: tg.fake.called("editMessageText"))
    assert edit[0]["message_id"] == card.result["message_id"]
    assert "Going 1/30 · Maybe 0 · Waitlist 0" in edit[0]["text"]
    assert len([c for c in tg.fake.called("sendMessage") if "📅 E-1" in c["text"]]) == 1


async def test_event_ics_is_a_calendar_file_in_a_dm(tg: Harness) -> None:
    tg.fake.push_message(
        "/event create webinar Launch | 2030-02-03 09:30 | 90m | in Europe/Berlin",
        chat_id=EVENTS_GROUP,
        sender=user(ORGANISER),
    )
    said = await tg.until(
        lambda: [c for c in tg.fake.called("sendMessage") if "Launch" in c["text"]]
    )
    ref = re.search(r"(E-\d+)", said[0]["text"])
    assert ref is not None
    tg.fake.push_message(f"/event ics {ref.group(1)}", chat_id=EVENTS_GROUP, sender=user(MEMBER))
    (sent,) = await tg.until(lambda: tg.fake.called("sendDocument"))
    assert sent["chat_id"] == MEMBER, "privately, in the member's DM"
    document = sent["document"]
    assert document["filename"] == f"{ref.group(1)}.ics"
    calendar = Calendar.from_ical(document["bytes"])
    (event,) = calendar.walk("VEVENT")
    assert str(event["SUMMARY"]) == "Launch"
    assert event.decoded("DTSTART") == datetime(2030, 2, 3, 8, 30, tzinfo=UTC)
    assert event.decoded("DTEND") - event.decoded("DTSTART") == timedelta(minutes=90)
    (alarm,) = event.walk("VALARM")
    assert alarm.decoded("TRIGGER") == -timedelta(hours=24), "the first reminder's time"
