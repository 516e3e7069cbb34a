"""The member's rows here for /privacy: RSVPs, attendance, surveys and drafts."""

from core.features.events.models import Event, EventCard, EventDraft, EventReminder, Rsvp
from core.privacy import owned

PART = owned(
    (
        Event.__tablename__,
        EventCard.__tablename__,
        EventReminder.__tablename__,
        Rsvp.__tablename__,
        EventDraft.__tablename__,
    ),
    own=(Rsvp.member_id, EventDraft.member_id),
    mentions=(Event.organiser_id,),
)
