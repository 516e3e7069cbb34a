"""``townhall run``: the enabled platforms, the scheduler and the outbox in one event loop.

SIGINT/SIGTERM stop intake first, let handlers and sends in flight finish, and leave unsent
outbox rows pending for the next start; the process is down within ten seconds (eight for a
graceful stop, the rest to close).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import signal

from apscheduler.schedulers.asyncio import AsyncIOScheduler

from adapters.base import Adapter
from bot import features
from bot.app import App, build_app
from bot.logs import configure
from core.clock import SystemClock
from core.settings import Settings

log = logging.getLogger(__name__)

SHUTDOWN_SECONDS = 8.0
SIGNALS = (signal.SIGINT, signal.SIGTERM)


def build_adapters(settings: Settings, app: App) -> list[Adapter]:
    services = app.services
    adapters: list[Adapter] = []
    if settings.telegram.enabled:
        from adapters.telegram.adapter import TelegramAdapter

        adapters.append(TelegramAdapter(settings, services.registry, services.renderer))
    if settings.discord.enabled:
        from adapters.discord.adapter import DiscordAdapter

        suggest = features.autocomplete(app.features, services)
        adapters.append(DiscordAdapter(settings, services.registry, services.renderer, suggest))
    return adapters


async def run_bot(settings: Settings) -> int:
    secrets = [
        settings.discord.token.get_secret_value(),
        settings.telegram.token.get_secret_value(),
    ]
    configure("INFO", secrets)
    if not (settings.telegram.enabled or settings.discord.enabled):
        log.error("no platform enabled: set TOWNHALL_TELEGRAM_TOKEN and/or TOWNHALL_DISCORD_TOKEN")
        return 2
    app = await build_app(settings, SystemClock(), {})
    adapters = build_adapters(settings, app)
    for adapter in adapters:
        app.dispatcher.add(adapter.platform, adapter)
        app.services.places.add(adapter.platform, adapter)
    scheduler = AsyncIOScheduler(timezone="UTC")
    app.sweeper.schedule(scheduler)
    activity = asyncio.create_task(app.services.activity.run(), name="activity")
    outbox: asyncio.Task[None] | None = None
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in SIGNALS:
        loop.add_signal_handler(signum, stop.set)
    try:
        for adapter in adapters:
            await adapter.start(app.handle)
        # Adapters send only once connected: rows queued before are sent from here on.
        outbox = asyncio.create_task(app.dispatcher.run(), name="outbox")
        scheduler.start()
        log.info("townhall is running on %s", ", ".join(a.platform.value for a in adapters))
        await stop.wait()
        log.info("stopping: no new events; finishing handlers in flight")
    finally:
        if scheduler.running:
            scheduler.shutdown(wait=False)
        app.dispatcher.stop()
        with contextlib.suppress(TimeoutError):
            async with asyncio.timeout(SHUTDOWN_SECONDS):
                # Sends in flight finish while their adapter is still connected.
                if outbox is not None:
                    await outbox
                for adapter in adapters:
                    await adapter.stop()
        background = [task for task in (outbox, activity) if task is not None]
        for task in background:
            task.cancel()
        await asyncio.gather(*background, return_exceptions=True)
        for signum in SIGNALS:
            loop.remove_signal_handler(signum)
        await app.close()
    log.info("stopped; unsent messages stay queued for the next start")
    return 0
