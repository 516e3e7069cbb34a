"""Scheduled work: APScheduler only wakes the core up; the sweeps read the database.

Each sweep is a pass over state ("reminders due before now and not yet sent"), so running it
late, twice, or after a restart neither loses nor repeats anything. A pass is one
transaction, committed here: what it changed and the messages it queued are saved together,
or, if it fails, neither (it runs again at its next tick).
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from zoneinfo import ZoneInfo

from apscheduler.schedulers.asyncio import AsyncIOScheduler
from apscheduler.triggers.cron import CronTrigger

from core.context import Services
from core.registry import SweepSpec

log = logging.getLogger(__name__)


class Sweeper:
    def __init__(self, services: Services, sweeps: Mapping[str, SweepSpec]) -> None:
        self._services = services
        self._sweeps = dict(sweeps)

    async def run(self, name: str) -> int:
        services = self._services
        async with services.database.session() as session:
            try:
                done = await self._sweeps[name].run(services, session)
                await session.commit()
            except Exception:
                log.exception("sweep %s failed; it runs again at its next tick", name)
                return 0
            services.notifier.kick_if_queued(session)
        return done

    async def run_all(self) -> dict[str, int]:
        """Every sweep once, in declaration order: what a moved clock triggers."""
        return {name: await self.run(name) for name in self._sweeps}

    def schedule(self, scheduler: AsyncIOScheduler) -> None:
        for spec in self._sweeps.values():
            scheduler.add_job(
                self.run,
                "interval",
                args=[spec.name],
                seconds=spec.every.total_seconds(),
                id=f"sweep:{spec.name}",
                coalesce=True,
                max_instances=1,
                replace_existing=True,
            )
            timetable = spec.cron(self._services) if spec.cron else None
            if timetable is not None:
                expression, zone = timetable
                scheduler.add_job(
                    self.run,
                    CronTrigger.from_crontab(expression, timezone=ZoneInfo(zone)),
                    args=[spec.name],
                    id=f"sweep:{spec.name}:cron",
                    coalesce=True,
                    max_instances=1,
                    replace_existing=True,
                )
