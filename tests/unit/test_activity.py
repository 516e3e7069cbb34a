"""Every inbound event lands in the activity log, without message text."""

from __future__ import annotations

from sqlalchemy import select

from bot.app import App
from core.activity import ActivityEvent
from core.clock import ManualClock
from core.events import Actor, EventKind, IncomingEvent, Place, PlaceKind, Platform


async def test_events_are_logged_in_a_batch_and_duplicates_dropped(
    app: App, clock: ManualClock
) -> None:
    actor = Actor(Platform.TELEGRAM, "1", "Ann")
    place = Place(Platform.TELEGRAM, "1", PlaceKind.DM)
    event = IncomingEvent(
        "u1", EventKind.COMMAND, actor, place, clock.now(), text="/help", command="help"
    )
    assert await app.handle(event)
    assert await app.handle(event) == [], "a redelivered update is answered once"
    assert await app.services.activity.flush() == 1
    async with app.services.database.session() as session:
        (row,) = await session.scalars(select(ActivityEvent))
    assert (row.platform, row.kind, row.feature) == ("telegram", "command", "general")
