"""``/winback preview NAME``: exactly what a member would get now and why, or why nothing.

The reasons are read one by one, so a moderator learns all of them at once ("silent for only
12 days; turned unasked DMs off"); the message itself is built by the sweep's own code, so
the preview cannot drift from what is sent.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from apscheduler.triggers.cron import CronTrigger
from markupsafe import Markup
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from core.clock import as_utc
from core.context import Services
from core.events import Platform, Visibility
from core.features.winback import content, profiles, selection, sweep, timing
from core.features.winback.models import COUNTED, PLANNED, WinbackMessage, WinbackStop
from core.features.winback.settings import WinbackSettings
from core.members import service as members
from core.members.models import Member


async def reasons(
    services: Services, session: AsyncSession, member: Member, now: datetime
) -> list[dict[str, Any]]:
    """Why nothing would be sent to ``member`` now; empty when something would."""
    settings = services.settings.section(WinbackSettings)
    found: list[dict[str, Any]] = []
    if not settings.enabled:
        found.append({"why": "off"})
    if (await sweep.control(session)).paused_at is not None:
        found.append({"why": "paused"})
    away = now - as_utc(member.last_seen_at)
    if away < timedelta(days=settings.after_days):
        found.append({"why": "active", "days": away.days, "after": settings.after_days})
    if member.dm_opt_out:
        found.append({"why": "unasked"})
    elif not members.allows_unasked_dms(member):
        found.append({"why": "no_dm"})
    stopped = await session.get(WinbackStop, member.id)
    if stopped is not None:
        found.append({"why": "stopped", "at": as_utc(stopped.at)})
    w = WinbackMessage
    count, last = (
        await session.execute(
            select(func.count(), func.max(w.sent_at)).where(
                w.member_id == member.id, w.status.in_(COUNTED)
            )
        )
    ).one()
    if count >= settings.max_per_member:
        found.append({"why": "max", "count": count})
    elif last is not None and now - as_utc(last) < timedelta(days=settings.min_days_between):
        again = as_utc(last) + timedelta(days=settings.min_days_between)
        found.append({"why": "recent", "at": as_utc(last), "again": again})
    planned = await session.scalar(
        select(w.due_at).where(w.member_id == member.id, w.status == PLANNED)
    )
    if planned is not None:
        found.append({"why": "planned", "at": as_utc(planned)})
    return found


def next_cycle(schedule: str, zone: str, now: datetime) -> datetime | None:
    fire = CronTrigger.from_crontab(schedule, timezone=ZoneInfo(zone)).get_next_fire_time(None, now)
    return None if fire is None else fire.astimezone(UTC)


async def preview(
    services: Services, session: AsyncSession, member: Member, platform: Platform, now: datetime
) -> dict[str, Any]:
    """The template's context: the reasons, or the message (written for ``platform``, where
    the moderator reads it) with where, when and from what it is built."""
    context: dict[str, Any] = {"name": member.display_name, "reasons": []}
    context["reasons"] = await reasons(services, session, member, now)
    if context["reasons"]:
        return context
    settings = services.settings.section(WinbackSettings)
    await profiles.update_all(session, await sweep.control(session))
    query = selection.eligible(settings, now).where(Member.id == member.id)
    found = await selection.candidates(session, query)
    if not found:
        context["reasons"] = [{"why": "no_dm"}]
        return context
    candidate = found[0]
    about = candidate.known
    zone = sweep.zone_of(services, candidate.timezone)
    cycle = next_cycle(settings.schedule, services.settings.locale.timezone, now) or now
    due = timing.due_at(cycle, about.hour, zone, settings.quiet)
    language = sweep.language_of(services, candidate.languages)
    reader = content.Reader(member.id, about.topic, candidate.left_at, language, candidate.timezone)
    made = (await content.build(services, session, [reader], now))[member.id]
    reply = sweep.message(made, language)
    written = services.notifier.message(reply, platform, visibility=Visibility.PRIVATE)
    context |= {
        "topic": about.topic,
        "platform": candidate.account(about.platform).platform,
        "hour": about.hour,
        "due": due.astimezone(zone),
        "zone": zone.key,
        "message": Markup(written.text),
        "buttons": [b.label for b in written.buttons],
    }
    return context
