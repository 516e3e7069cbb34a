"""An event as templates read it, in the reader's zone and on the reader's platform."""

from __future__ import annotations

from typing import Any

from markupsafe import Markup

from core.clock import as_utc
from core.events import Platform
from core.features.events.models import Event
from core.features.events.service import moment


def view(
    event: Event, *, zone: str | None = None, platform: Platform | None = None
) -> dict[str, Any]:
    """On Discord a public post shows the start as ``<t:UNIX:F>``, which each reader's app
    puts in their own zone; elsewhere it is written in ``zone`` (the event's by default),
    named."""
    start = moment(event.starts_at, zone or event.timezone)
    if platform is Platform.DISCORD:
        start["reader"] = Markup(f"<t:{start['unix']}:F>")
    minutes = int((as_utc(event.ends_at) - as_utc(event.starts_at)).total_seconds() // 60)
    return {
        "ref": event.ref,
        "kind": event.kind,
        "title": event.title,
        "start": start,
        "minutes": minutes,
        "capacity": event.capacity,
        "location": event.location,
        "recurrence": event.recurrence,
        "cancelled": event.cancelled_at is not None,
    }
