"""Every inbound event lands in the activity log, without message text."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import select
from sqlalchemy.exc import OperationalError

from bot.app import App
from core.activity import ActivityEvent
from core.clock import ManualClock
from core.db.engine import Database
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


async def test_a_failed_flush_keeps_the_records_and_says_so_once(
    app: App, clock: ManualClock, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    """The database unreachable (here: its file is a folder, so every connection fails in
    the driver) loses no record; the log says so when it starts and when it ends."""
    activity = app.services.activity
    place = Place(Platform.TELEGRAM, "1", PlaceKind.DM)
    for n in range(3):
        actor = Actor(Platform.TELEGRAM, "1", "Ann")
        await app.handle(
            IncomingEvent(f"u{n}", EventKind.MESSAGE, actor, place, clock.now(), text="hi")
        )
    working = activity._database
    activity._database = Database(f"sqlite+aiosqlite:///{tmp_path}")
    with pytest.raises(OperationalError):
        await activity.flush()
    assert activity.pending == 3
    failing = await activity.flush_or_keep(False)
    failing = await activity.flush_or_keep(failing)
    assert failing and activity.pending == 3
    assert [r.message for r in caplog.records].count(
        "activity flush failed; 3 records kept for the next try"
    ) == 1
    activity._database = working
    assert not await activity.flush_or_keep(failing)
    assert activity.pending == 0
    assert "activity flush works again; the kept records are written" in caplog.messages
    async with app.services.database.session() as session:
        assert len((await session.scalars(select(ActivityEvent))).all()) == 3
