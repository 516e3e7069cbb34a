"""What a handler is given: the event, the member, a database session and the services."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy.ext.asyncio import AsyncSession

from core.activity import ActivityLog
from core.clock import Clock
from core.db.engine import Database
from core.events import Actor, IncomingEvent, Place
from core.features.members.models import Member
from core.notifier import Notifier
from core.places import Places
from core.render import Renderer
from core.settings import Settings

if TYPE_CHECKING:
    from core.features.faq.service import FaqService
    from core.features.feedback.service import FeedbackService
    from core.registry import Registry


@dataclass
class Services:
    """Everything long-lived, built once by the composition root and passed in."""

    settings: Settings
    database: Database
    clock: Clock
    renderer: Renderer
    registry: Registry
    activity: ActivityLog
    faq: FaqService
    notifier: Notifier
    feedback: FeedbackService
    places: Places = field(default_factory=Places)


@dataclass
class Context:
    services: Services
    session: AsyncSession
    event: IncomingEvent
    member: Member
    locale: str

    @property
    def actor(self) -> Actor:
        return self.event.actor

    @property
    def place(self) -> Place:
        return self.event.place

    @property
    def now(self) -> datetime:
        return self.services.clock.now()
