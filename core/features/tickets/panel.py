"""A ticket panel: a message staff pin in a help channel whose button opens a ticket.

Members who never read /help still find the way to a human, as with the "Open a ticket"
panels of Ticket Tool. The button is a command button for /ticket open: on Discord it opens
the ticket form, on Telegram the bot asks in the member's DM.
"""

from __future__ import annotations

from core.context import Context
from core.events import COMMAND_BUTTON, Button, Reply, Role
from core.features.tickets.chat import registry
from core.i18n import N_
from core.registry import ArgSpec, ArgType

OPEN_TICKET = Button(COMMAND_BUTTON, "ticket open", label_key=N_("🎫 Open a ticket"))


@registry.command(
    "ticket panel",
    ArgSpec("text", ArgType.TEXT, required=False, description="the panel's own words"),
    min_role=Role.MODERATOR,
)
async def ticket_panel(ctx: Context, text: str = "") -> Reply:
    """Post a message with an "Open a ticket" button here, for members to find help."""
    return Reply("tickets/panel", {"text": text.strip()}, buttons=(OPEN_TICKET,))
