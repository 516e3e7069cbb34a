"""The .ics file: one VEVENT per event, UTC times, the place, and an alarm before it."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from icalendar import Calendar

from core.features.events.calendar import attachment, ics
from core.features.events.models import Event

START = datetime(2026, 12, 4, 18, 0, tzinfo=UTC)


def _event(n: int, **fields: object) -> Event:
    return Event(
        id=n,
        kind="meetup",
        title=f"Drinks {n}",
        starts_at=START,
        ends_at=START + timedelta(hours=2),
        timezone="Europe/Berlin",
        locale="en",
        created_at=START - timedelta(days=3),
        **fields,
    )


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
