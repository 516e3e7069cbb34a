"""Where a ticket lives for staff: the configured staff place, or the ticket's own thread."""

from __future__ import annotations

from core.events import Place, Platform
from core.features.tickets.models import Ticket
from core.features.tickets.settings import TicketSettings
from core.places import configured_place


def staff_root(settings: TicketSettings, platform: Platform) -> Place | None:
    """The staff place on the member's platform, else the first configured anywhere: one team
    can work Discord and Telegram tickets from a single place."""
    for entry in settings.staff_places:
        if entry.startswith(f"{platform.value}:"):
            return configured_place(entry)
    return configured_place(settings.staff_places[0]) if settings.staff_places else None


def staff_place(ticket: Ticket) -> Place | None:
    if ticket.staff_platform is None or ticket.staff_chat_id is None:
        return None
    return configured_place(
        f"{ticket.staff_platform}:{ticket.staff_chat_id}", ticket.staff_thread_id
    )


def is_staff_root(settings: TicketSettings, place: Place) -> bool:
    return f"{place.platform.value}:{place.chat_id}" in settings.staff_places
