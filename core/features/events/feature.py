"""Events with RSVPs. Its commands and buttons name events by id, so it reads no plain
messages and stands last in line."""

from core.feature import Feature
from core.features.events import attendance, handlers, manage, organise, rsvp, sweeps
from core.features.events.settings import EventsSettings

FEATURE = Feature(
    "events",
    priority=60,
    settings=("events", EventsSettings),
    registries=(
        handlers.registry,
        rsvp.registry,
        manage.registry,
        organise.registry,
        attendance.registry,
        sweeps.registry,
    ),
)
