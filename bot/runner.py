"""``townhall run``: the enabled platforms, the scheduler and the outbox in one event loop.

Each platform starts on its own: one that cannot be reached (network error, 5xx) is tried
again with backoff while the others run, and one that refuses the bot's token stays off with
one line saying so. SIGINT/SIGTERM stop intake first, let handlers and sends in flight finish,
and leave unsent outbox rows pending for the next start; the process is down within ten
seconds (eight for a graceful stop, the rest to close).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import signal

from apscheduler.schedulers.asyncio import AsyncIOScheduler

from adapters.base import Adapter, StartRefused, StartUnreachable
from bot import features
from bot.app import App, build_app
from bot.logs import configure
from core.clock import SystemClock
from core.settings import Settings

log = logging.getLogger(__name__)

SHUTDOWN_SECONDS = 8.0
SIGNALS = (signal.SIGINT, signal.SIGTERM)
FIRST_RETRY_SECONDS = 1.0
LAST_RETRY_SECONDS = 60.0


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
    scheduler = AsyncIOScheduler(timezone="UTC")
    app.sweeper.schedule(scheduler)
    activity = asyncio.create_task(app.services.activity.run(), name="activity")
    outbox: asyncio.Task[None] | None = None
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in SIGNALS:
        loop.add_signal_handler(signum, stop.set)
    bringing_up = [asyncio.create_task(bring_up(adapter, app)) for adapter in adapters]
    watch = asyncio.create_task(_announce(adapters, bringing_up, stop))
    try:
        # Each adapter joins the outbox once connected: its rows wait until then.
        outbox = asyncio.create_task(app.dispatcher.run(), name="outbox")
        scheduler.start()
        await stop.wait()
        log.info("stopping: no new events; finishing handlers in flight")
    finally:
        for starting in (*bringing_up, watch):
            starting.cancel()
        await asyncio.gather(*bringing_up, watch, return_exceptions=True)
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
    none_started = watch.done() and not watch.cancelled() and not watch.result()
    return 2 if none_started else 0


async def bring_up(adapter: Adapter, app: App) -> bool:
    """Start one platform, trying again with backoff while it cannot be reached; False when
    it refused the bot, which no retry mends. Once up it joins the outbox and places."""
    name = adapter.platform.value
    delay = FIRST_RETRY_SECONDS
    while True:
        try:
            await adapter.start(app.handle)
        except StartRefused as refused:
            await adapter.stop()
            log.error("%s stays off: %s; the other platforms keep running", name, refused)
            return False
        except StartUnreachable as failed:
            await adapter.stop()
            log.warning("%s unreachable at start (%s); trying again in %g s", name, failed, delay)
            await asyncio.sleep(delay)
            delay = min(delay * 2, LAST_RETRY_SECONDS)
            continue
        app.dispatcher.add(adapter.platform, adapter)
        app.services.places.add(adapter.platform, adapter)
        log.info("%s connected", name)
        return True


async def _announce(
    adapters: list[Adapter], bringing_up: list[asyncio.Task[bool]], stop: asyncio.Event
) -> bool:
    """Say which platforms run once each is up or refused; with none left, stop."""
    ups = await asyncio.gather(*bringing_up)
    started = [a.platform.value for a, up in zip(adapters, ups, strict=True) if up]
    if not started:
        log.error("no platform could start; stopping")
        stop.set()
        return False
    log.info("townhall is running on %s", ", ".join(started))
    return True
