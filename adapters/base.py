"""What the composition root needs of every platform adapter."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Protocol

from core.events import IncomingEvent, OutgoingMessage
from core.outbox import Sender
from core.places import PlaceOpener

EventHandler = Callable[[IncomingEvent], Awaitable[list[OutgoingMessage]]]


class StartRefused(Exception):
    """The platform refused the bot (a rejected token): trying again cannot help."""


class StartUnreachable(Exception):
    """The platform could not be reached or failed (network error, 5xx): worth trying again."""


class Adapter(Sender, PlaceOpener, Protocol):
    """Translates one platform's traffic into core events and rendered messages back.

    ``start`` connects and begins delivering events to ``handle``, answering each in its own
    context with what ``handle`` returns, or raises ``StartRefused`` or ``StartUnreachable``;
    ``stop`` stops taking events and lets handlers in flight finish. ``send`` (from Sender) is
    used by the outbox dispatcher;
    ``open_private_place`` (from PlaceOpener) by features that need a place of their own, such
    as a ticket's thread.
    """

    async def start(self, handle: EventHandler) -> None: ...

    async def stop(self) -> None: ...
