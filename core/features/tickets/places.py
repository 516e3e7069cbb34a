"""Where a ticket lives for staff: the configured staff place, or the ticket's own thread."""

from __future__ import annotations

from core.events import Place, PlaceKind, Platform
from core.features.tickets.models import Ticket
from core.settings import TicketSettings


def _place(platform: Platform, chat_id: str, thread_id: str | None = None) -> Place:
    if thread_id is not None:
        return Place(platform, chat_id, PlaceKind.THREAD, thread_id=thread_id)
    kind = PlaceKind.GROUP if platform is Platform.TELEGRAM else PlaceKind.CHANNEL
    return Place(platform, chat_id, kind)


def staff_root(settings: TicketSettings, platform: Platform) -> Place | None:
    """The staff place on the member's platform, else the first configured anywhere: one team
    can work Discord and Telegram tickets from a single place."""
    configured = [entry.split(":", 1) for entry in settings.staff_places]
    for name, chat_id in configured:
        if name == platform.value:
            return _place(platform, chat_id)
    if configured:
        name, chat_id = configured[0]
        return _place(Platform(name), chat_id)
    return None


def staff_place(ticket: Ticket) -> Place | None:
    if ticket.staff_platform is None or ticket.staff_chat_id is None:
        return None
    return _place(Platform(ticket.staff_platform), ticket.staff_chat_id, ticket.staff_thread_id)


def is_staff_root(settings: TicketSettings, place: Place) -> bool:
    return f"{place.platform.value}:{place.chat_id}" in settings.staff_places
