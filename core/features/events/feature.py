"""Events with RSVPs. Its commands and buttons name events by id; the only plain messages it
reads are an organiser's DMs while an event is created step by step, so it stands before
tickets and the FAQ (which would take them for questions) and after feedback's own draft."""

from core.feature import Feature
from core.features.events import attendance, compose, manage, organise, personal, rsvp, sweeps
from core.features.events.settings import EventsSettings

FEATURE = Feature(
    "events",
    priority=15,
    settings=("events", EventsSettings),
    registries=(
        compose.registry,
        rsvp.registry,
        manage.registry,
        organise.registry,
        attendance.registry,
        sweeps.registry,
    ),
    personal_data=personal.PART,
)
