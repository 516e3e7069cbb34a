"""Private places the core asks a platform to open, e.g. a thread for one support ticket.

Opening a place must answer at once with its address, so unlike sending it is a direct
adapter call, not an outbox row. A platform that cannot open one (or fails to) gets the one
text fallback here: the parent place itself, where messages carry the ticket id.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Protocol, runtime_checkable

from core.events import Place, PlaceKind, Platform

log = logging.getLogger(__name__)


def configured_place(platform_id: str, thread_id: str | None = None) -> Place:
    """A "platform:chat_id" from config.toml (a staff or review place) as somewhere to post:
    a Telegram chat there is a group, a Discord or console one a channel."""
    name, _, chat_id = platform_id.partition(":")
    platform = Platform(name)
    if thread_id is not None:
        return Place(platform, chat_id, PlaceKind.THREAD, thread_id=thread_id)
    kind = PlaceKind.GROUP if platform is Platform.TELEGRAM else PlaceKind.CHANNEL
    return Place(platform, chat_id, kind)


@dataclass(frozen=True)
class PlaceRequest:
    """``parent``: the configured staff channel or group. ``key``: a short id ("T-12") the
    platform may use to name the place. ``member_user_id``: the member's account on the
    parent's platform, to let them in where the platform can (None: staff only)."""

    parent: Place
    key: str
    title: str
    member_user_id: str | None = None


@dataclass(frozen=True)
class PrivatePlace:
    """``member_inside``: the member reads and writes there too, so nothing is relayed."""

    place: Place
    member_inside: bool = False


@runtime_checkable
class PlaceOpener(Protocol):
    async def open_private_place(self, request: PlaceRequest) -> PrivatePlace | None:
        """The new place, or None where the platform cannot (the caller falls back)."""
        ...


class Places:
    """The openers of the running adapters, by platform."""

    def __init__(self) -> None:
        self._openers: dict[Platform, PlaceOpener] = {}

    def add(self, platform: Platform, opener: object) -> None:
        if isinstance(opener, PlaceOpener):
            self._openers[platform] = opener

    async def open_private(self, request: PlaceRequest) -> PrivatePlace:
        opener = self._openers.get(request.parent.platform)
        opened: PrivatePlace | None = None
        if opener is not None:
            try:
                opened = await opener.open_private_place(request)
            except Exception:
                log.exception("could not open a private place for %s", request.key)
        return opened or PrivatePlace(request.parent)
