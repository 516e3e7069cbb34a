"""Reading and managing events: /event show, list, ics, and cancel for organisers."""

from __future__ import annotations

from sqlalchemy import select

from core.clock import as_utc
from core.context import Context
from core.events import Reply, Visibility
from core.features.events import attendance, calendar, cards, reminders, scheduled, service
from core.features.events.handlers import may_organise
from core.features.events.models import Event
from core.features.events.rsvp import EVENT_ARG, member_view
from core.features.events.service import Answer
from core.features.events.settings import EventsSettings
from core.features.events.views import view
from core.registry import ArgSpec, ArgType, Registry

registry = Registry("events")
LIST_LIMIT = 10
TOLD = (Answer.GOING, Answer.MAYBE, Answer.WAITLIST)


def _missing(ref: str) -> Reply:
    return Reply(
        "events/unavailable", {"problem": "missing", "ref": ref}, visibility=Visibility.PRIVATE
    )


@registry.command("event show", EVENT_ARG)
async def show(ctx: Context, event: str) -> Reply:
    """An event, its answers so far, and yours."""
    found = await service.find(ctx.session, event)
    if found is None:
        return _missing(event)
    rsvp = await service.rsvp_of(ctx.session, found.id, ctx.member.id)
    return Reply(
        "events/show",
        {
            "event": view(found, zone=ctx.member.timezone),
            "counts": await service.counts(ctx.session, found.id),
            "mine": rsvp.status if rsvp else "",
            "position": await service.position(ctx.session, rsvp) if rsvp else 0,
            "calendar": cards.calendar_link(found),
            "figures": await attendance.survey_figures(ctx.session, found, ctx.now)
            if may_organise(ctx, found)
            else None,
        },
        visibility=Visibility.PRIVATE,
    )


@registry.command(
    "event list", ArgSpec("which", ArgType.CHOICE, required=False, choices=("upcoming", "past"))
)
async def list_events(ctx: Context, which: str = "upcoming") -> Reply:
    """Upcoming events (or past ones), soonest first."""
    query = select(Event).where(Event.cancelled_at.is_(None))
    if which == "past":
        query = query.where(Event.ends_at <= ctx.now).order_by(Event.starts_at.desc())
    else:
        query = query.where(Event.ends_at > ctx.now).order_by(Event.starts_at)
    found = list(await ctx.session.scalars(query.limit(LIST_LIMIT)))
    return Reply(
        "events/list",
        {"which": which, "events": [view(e, zone=ctx.member.timezone) for e in found]},
        visibility=Visibility.PRIVATE,
    )


@registry.command("event ics", EVENT_ARG)
async def ics(ctx: Context, event: str) -> Reply:
    """The event as a calendar file, with an alarm before it starts."""
    found = await service.find(ctx.session, event)
    if found is None:
        return _missing(event)
    labels = ctx.services.settings.section(EventsSettings).reminders
    alarm = reminders.offset(labels[0]) if labels else None
    return Reply(
        "events/ics",
        {"event": view(found)},
        attachments=(calendar.attachment(found, alarm),),
        visibility=Visibility.PRIVATE,
    )


@registry.command("event cancel", EVENT_ARG, ArgSpec("reason", ArgType.TEXT, required=False))
async def cancel(ctx: Context, event: str, reason: str = "") -> list[Reply]:
    """Cancel an event (with "all", the rest of its series too); who answered is told."""
    found = await service.find(ctx.session, event)
    if found is None:
        return [_missing(event)]
    if not may_organise(ctx, found):
        return [
            Reply(
                "events/not_organiser",
                {"own": True, "ref": found.ref},
                visibility=Visibility.PRIVATE,
            )
        ]
    if found.cancelled_at is not None or ctx.now >= as_utc(found.ends_at):
        return [
            Reply(
                "events/unavailable",
                {"problem": "cancelled" if found.cancelled_at else "over", "ref": found.ref},
                visibility=Visibility.PRIVATE,
            )
        ]
    whole_series = reason.strip().lower() == "all"
    events = [found]
    if whole_series:
        root = await ctx.session.get_one(Event, found.series_id or found.id)
        root.recurrence = None
        events += await _coming_in_series(ctx, root.id, found)
        reason = ""
    replies = [
        Reply(
            "events/cancelled",
            {"event": view(found), "reason": reason, "organiser": True, "count": len(events)},
            visibility=Visibility.PRIVATE,
        )
    ]
    for one in events:
        replies += await _cancel_one(ctx, one, reason)
    return replies


async def _coming_in_series(ctx: Context, root_id: int, found: Event) -> list[Event]:
    """The series' occurrences not yet started or cancelled, besides ``found``."""
    return list(
        await ctx.session.scalars(
            select(Event).where(
                (Event.series_id == root_id) | (Event.id == root_id),
                Event.id != found.id,
                Event.cancelled_at.is_(None),
                Event.starts_at > ctx.now,
            )
        )
    )


async def _cancel_one(ctx: Context, event: Event, reason: str) -> list[Reply]:
    event.cancelled_at, event.cancel_reason = ctx.now, reason or None
    replies = []
    for member_id in await service.members_answering(ctx.session, event.id, TOLD):
        replies.append(
            Reply(
                "events/cancelled",
                {
                    "event": await member_view(ctx.session, event, member_id),
                    "reason": reason,
                    "organiser": False,
                    "count": 1,
                },
                to_member=member_id,
                idempotency_key=f"event:{event.id}:cancelled:{member_id}",
            )
        )
    await scheduled.changed(ctx.session, ctx.services, event)
    return replies + await cards.changed(ctx.session, ctx.services, event)
