"""What a handler is given: the event, the member, a database session and the services."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, TypeVar

from sqlalchemy.ext.asyncio import AsyncSession

from core.activity import ActivityLog
from core.clock import Clock
from core.db.engine import Database
from core.events import Actor, IncomingEvent, Place
from core.members.models import Member
from core.notifier import Notifier
from core.places import Places
from core.render import Renderer
from core.settings import Settings

if TYPE_CHECKING:
    from core.feature import Feature
    from core.registry import Registry

T = TypeVar("T")


@dataclass
class Services:
    """Everything long-lived, built once by the composition root and passed in."""

    settings: Settings
    database: Database
    clock: Clock
    renderer: Renderer
    registry: Registry
    activity: ActivityLog
    notifier: Notifier
    places: Places = field(default_factory=Places)
    features: tuple[Feature, ...] = ()
    """Every feature, in line by priority (for those that walk them all, like /privacy)."""
    _offered: dict[type, object] = field(default_factory=dict)

    def offer(self, service: object) -> None:
        """A feature's service for the others (``Feature.offers``), found by its class."""
        if type(service) in self._offered:
            raise ValueError(f"{type(service).__name__} offered twice")
        self._offered[type(service)] = service

    def get(self, kind: type[T]) -> T:
        """The service another feature offers: features name each other's classes, never
        the core."""
        found = self._offered.get(kind)
        if not isinstance(found, kind):
            raise LookupError(f"no feature offers {kind.__name__}")
        return found

    def every(self, kind: type[T]) -> list[T]:
        """Every offered service of a kind (subclasses included), in the features' order:
        how analytics and the digest find what features contribute (core.contributions)."""
        return [found for found in self._offered.values() if isinstance(found, kind)]


@dataclass
class Context:
    """Handlers change state through ``session`` and return Replies; they never commit. The
    router queues the replies in the same transaction and commits once, so a change and the
    messages it causes are saved together or not at all."""

    services: Services
    session: AsyncSession
    event: IncomingEvent
    member: Member
    locale: str
    committed: list[Callable[[], Awaitable[object]]] = field(default_factory=list)
    """What to do once the event's changes are committed (and not if they are rolled back):
    e.g. index a knowledge entry that other sessions can now read."""

    def after_commit(self, callback: Callable[[], Awaitable[object]]) -> None:
        self.committed.append(callback)

    @property
    def actor(self) -> Actor:
        return self.event.actor

    @property
    def place(self) -> Place:
        return self.event.place

    @property
    def now(self) -> datetime:
        return self.services.clock.now()
