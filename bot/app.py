"""The composition root: builds the core's services and wires adapters to it.

No global app object: everything is built here and passed in, so tests and the console
build the same thing with a different clock, database or set of adapters.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass

from bot import features as plugins
from bot.migrate import upgrade
from core.activity import ActivityLog
from core.clock import Clock
from core.context import Services
from core.db.engine import Database
from core.dispatcher import Dispatcher
from core.events import IncomingEvent, OutgoingMessage, Platform
from core.feature import Feature
from core.members import service as members
from core.notifier import Notifier
from core.outbox import Sender
from core.render import Renderer
from core.router import Router
from core.scheduler import Sweeper
from core.settings import Settings

log = logging.getLogger(__name__)


@dataclass
class App:
    features: list[Feature]
    services: Services
    router: Router
    dispatcher: Dispatcher
    sweeper: Sweeper

    async def handle(self, event: IncomingEvent) -> list[OutgoingMessage]:
        return await self.router.handle(event)

    async def tick(self) -> None:
        """What a moved clock triggers: every sweep, then whatever they queued is sent."""
        await self.sweeper.run_all()
        await self.dispatcher.dispatch_due()

    async def close(self) -> None:
        await self.services.activity.flush()
        await self.services.database.dispose()


async def build_app(
    settings: Settings,
    clock: Clock,
    senders: Mapping[Platform, Sender],
    *,
    migrate: bool = True,
) -> App:
    database = Database(settings.database.url)
    if migrate:
        await upgrade(settings.database.url)
    features = plugins.discover()
    registry = plugins.build_registry(features)
    renderer = Renderer()
    services = Services(
        settings=settings,
        database=database,
        clock=clock,
        renderer=renderer,
        registry=registry,
        activity=ActivityLog(database),
        notifier=Notifier(settings, renderer, clock),
        features=tuple(features),
    )
    for feature in features:
        for service in feature.offers(services):
            services.offer(service)
    for platform, sender in senders.items():
        services.places.add(platform, sender)
    for feature in features:
        if feature.start is not None:
            await feature.start(services)
    await _warn_about_unseen_founders(services)
    dispatcher = Dispatcher(database, clock, senders, max_attempts=settings.outbox.max_attempts)
    services.notifier.on_enqueued(dispatcher.kick)
    router = Router(services)
    return App(features, services, router, dispatcher, Sweeper(services, registry.sweeps))


async def _warn_about_unseen_founders(services: Services) -> None:
    async with services.database.session() as session:
        unseen = await members.never_seen(session, services.settings.roles.founders)
    for account in unseen:
        log.warning(
            "founder %s has not talked to the bot yet: DMs to them (SLA alerts) wait until "
            "they send it a message",
            account,
        )
