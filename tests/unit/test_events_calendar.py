"""The .ics file: one VEVENT per event, UTC times, the place, and an alarm before it."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from icalendar import Calendar

from bot import cli
from core.db.engine import Database
from core.features.events.calendar import attachment, ics
from core.features.events.models import Event

START = datetime(2026, 12, 4, 18, 0, tzinfo=UTC)


def _event(n: int, **fields: object) -> Event:
    defaults: dict[str, object] = {
        "kind": "meetup",
        "title": f"Drinks {n}",
        "starts_at": START,
        "ends_at": START + timedelta(hours=2),
        "timezone": "Europe/Berlin",
        "locale": "en",
        "created_at": START - timedelta(days=3),
    }
    return Event(id=n, **(defaults | fields))


def test_an_event_file_opens_with_its_time_place_and_alarm() -> None:
    file = attachment(_event(1, location="Café X"), timedelta(hours=24))
    assert (file.filename, file.mime_type) == ("E-1.ics", "text/calendar")
    (entry,) = Calendar.from_ical(file.content).walk("VEVENT")
    assert entry.decoded("dtstart") == START
    assert entry.decoded("dtend") == START + timedelta(hours=2)
    assert str(entry["location"]) == "Café X"
    (alarm,) = entry.walk("VALARM")
    assert alarm.decoded("trigger") == -timedelta(hours=24)


def test_a_public_calendar_holds_every_event_given() -> None:
    calendar = Calendar.from_ical(ics([_event(1), _event(2)]))
    assert [str(e["summary"]) for e in calendar.walk("VEVENT")] == ["Drinks 1", "Drinks 2"]


async def test_the_export_command_writes_upcoming_events_only(
    database_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The shell export runs on the real clock, so the upcoming event is far in the future."""
    future = datetime(2099, 6, 1, 18, 0, tzinfo=UTC)
    past = datetime(2001, 6, 1, 18, 0, tzinfo=UTC)
    upcoming, cancelled, over = (
        _event(1, title="Launch party", starts_at=future, ends_at=future + timedelta(hours=1)),
        _event(2, title="Called off", starts_at=future, ends_at=future + timedelta(hours=1)),
        _event(3, title="Long ago", starts_at=past, ends_at=past + timedelta(hours=1)),
    )
    cancelled.cancelled_at = START
    database = Database(database_url)
    async with database.session() as session:
        session.add_all([upcoming, cancelled, over])
        await session.commit()
    await database.dispose()
    config, out = tmp_path / "config.toml", tmp_path / "events.ics"
    config.write_text(f'[database]\nurl = "{database_url}"\n', encoding="utf-8")
    argv = ["events", "export", "--config", str(config), "--ics", str(out)]
    await asyncio.to_thread(cli.main, argv)
    calendar = Calendar.from_ical(out.read_bytes())
    assert [str(e["summary"]) for e in calendar.walk("VEVENT")] == ["Launch party"]
    assert f"wrote 1 upcoming event into {out}" in capsys.readouterr().err
