"""Events as iCalendar files: one event for /event ics and the first reminder, or every
upcoming one for a public calendar (``townhall events export --ics FILE``)."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import timedelta

from icalendar import Alarm, Calendar
from icalendar import Event as CalendarEvent

from core.clock import as_utc
from core.events import Attachment
from core.features.events.models import Event

PRODUCT = "-//Townhall//Events//EN"


def _entry(event: Event, alarm_before: timedelta | None) -> CalendarEvent:
    entry = CalendarEvent()
    entry.add("uid", f"event-{event.id}@townhall")
    entry.add("summary", event.title)
    entry.add("dtstart", as_utc(event.starts_at))
    entry.add("dtend", as_utc(event.ends_at))
    entry.add("dtstamp", as_utc(event.created_at))
    if event.location:
        entry.add("location", event.location)
    if event.cancelled_at is not None:
        entry.add("status", "CANCELLED")
    if alarm_before is not None:
        alarm = Alarm()
        alarm.add("action", "DISPLAY")
        alarm.add("description", event.title)
        alarm.add("trigger", -alarm_before)
        entry.add_component(alarm)
    return entry


def ics(events: Iterable[Event], alarm_before: timedelta | None = None) -> bytes:
    calendar = Calendar()
    calendar.add("prodid", PRODUCT)
    calendar.add("version", "2.0")
    for event in events:
        calendar.add_component(_entry(event, alarm_before))
    ical: bytes = calendar.to_ical()
    return ical


def attachment(event: Event, alarm_before: timedelta | None) -> Attachment:
    return Attachment(f"{event.ref}.ics", ics([event], alarm_before), "text/calendar")
