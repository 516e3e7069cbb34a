"""The support desk. It sees plain messages after a feedback draft and before the FAQ: a
member's words in their ticket's chat, or staff's in its thread, are for the ticket."""

from core.feature import Feature
from core.features.tickets import handlers, personal
from core.features.tickets.settings import TicketSettings

FEATURE = Feature(
    "tickets",
    priority=20,
    settings=("tickets", TicketSettings),
    registries=(handlers.registry,),
    personal_data=personal.PART,
)
