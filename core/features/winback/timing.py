"""When: the schedule's cycles, a member's most active hour, and their quiet hours.

A cycle is one firing of ``[winback] schedule`` in ``[locale] timezone``; APScheduler's cron
trigger reckons them, so the sweep can tell which cycle is due from the clock alone (a
cycle missed while the bot was down is planned when it comes back, once). Within a cycle
each member is written to at the hour they were most often active (UTC hours from the
activity log), or at the cycle's start when the log says nothing, and never in their quiet
hours where they live.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

from apscheduler.triggers.cron import CronTrigger

LOOKBACK = timedelta(days=2)
"""How far back a cycle is looked for: one missed while the bot was down longer is gone."""


def latest_cycle(
    schedule: str, zone: str, now: datetime, after: datetime | None
) -> datetime | None:
    """The schedule's last firing at or before ``now`` and after ``after``; None if none."""
    trigger = CronTrigger.from_crontab(schedule, timezone=ZoneInfo(zone))
    start = now - LOOKBACK if after is None else max(after + timedelta(seconds=1), now - LOOKBACK)
    found = None
    fire = trigger.get_next_fire_time(None, start)
    while fire is not None and fire <= now:
        found = fire.astimezone(UTC)
        fire = trigger.get_next_fire_time(fire, fire + timedelta(seconds=1))
    return found


def best_hour(counts: Iterable[tuple[int, int]]) -> int | None:
    """The UTC hour with the most activity ((hour, count) pairs); the earlier on a tie."""
    ranked = sorted(counts, key=lambda pair: (-pair[1], pair[0]))
    return ranked[0][0] if ranked else None


def is_quiet(at: datetime, zone: ZoneInfo, quiet: tuple[time, time] | None) -> bool:
    if quiet is None:
        return False
    start, end = quiet
    local = at.astimezone(zone).time()
    return start <= local < end if start < end else local >= start or local < end


def after_quiet(at: datetime, zone: ZoneInfo, quiet: tuple[time, time] | None) -> datetime:
    """``at``, or the end of the quiet hours it falls in, where the member lives."""
    if quiet is None or not is_quiet(at, zone, quiet):
        return at
    local = at.astimezone(zone)
    end = local.replace(hour=quiet[1].hour, minute=quiet[1].minute, second=0, microsecond=0)
    if end <= local:
        end += timedelta(days=1)
    return end.astimezone(at.tzinfo)


def due_at(
    cycle: datetime, hour: int | None, zone: ZoneInfo, quiet: tuple[time, time] | None
) -> datetime:
    """The first moment from ``cycle`` at the member's hour (UTC), out of their quiet hours."""
    at = cycle
    if hour is not None:
        at = cycle.replace(hour=hour, minute=0, second=0, microsecond=0)
        if at < cycle:
            at += timedelta(days=1)
    return after_quiet(at, zone, quiet)
