"""What organisers do to an event after creating it: /event edit and /event message."""

from __future__ import annotations

from core.clock import as_utc
from core.context import Context
from core.events import Reply, Visibility
from core.features.events import cards, scheduled, service
from core.features.events.handlers import may_organise, member_zone
from core.features.events.models import Event
from core.features.events.parse import Refusal, capacity_of, start_of
from core.features.events.rsvp import EVENT_ARG, member_view, unavailable
from core.features.events.service import Answer
from core.features.events.views import view
from core.registry import ArgSpec, ArgType, Registry

registry = Registry("events")
FIELDS = ("start", "title", "cap", "at")
TOLD = (Answer.GOING, Answer.MAYBE, Answer.WAITLIST)


async def _managed(ctx: Context, ref: str) -> Event | Reply:
    """The event an organiser may change now, or the reply saying why not."""
    event = await service.find(ctx.session, ref)
    refused = unavailable(event, ref, ctx.now, -(10**6))
    if refused is not None or event is None:
        return refused or Reply("core/error")
    if not may_organise(ctx, event):
        return Reply(
            "events/not_organiser", {"own": True, "ref": event.ref}, visibility=Visibility.PRIVATE
        )
    return event


@registry.command(
    "event edit",
    EVENT_ARG,
    ArgSpec("field", ArgType.CHOICE, choices=FIELDS),
    ArgSpec("value", ArgType.TEXT),
)
async def edit(ctx: Context, event: str, field: str, value: str) -> list[Reply]:
    """Change an event's start, title, capacity or place; who answered is told of a new
    start or place, and reminders follow the new start."""
    found = await _managed(ctx, event)
    if isinstance(found, Reply):
        return [found]
    try:
        if field == "start":
            start = start_of(value, found.timezone, ctx.now)
            found.ends_at = start + (as_utc(found.ends_at) - as_utc(found.starts_at))
            found.starts_at = start
        elif field == "cap":
            found.capacity = capacity_of(value)
        elif field == "title":
            found.title = value[:200]
        else:
            found.location = value
    except Refusal as refusal:
        return [
            Reply(
                "events/create_refused",
                {
                    "problem": refusal.problem,
                    "value": refusal.value,
                    "suggestions": (),
                    "zone": member_zone(ctx),
                },
                visibility=Visibility.PRIVATE,
            )
        ]
    await ctx.session.flush()
    replies = [
        Reply(
            "events/edited",
            {"event": view(found), "field": field, "organiser": True},
            visibility=Visibility.PRIVATE,
        )
    ]
    for member_id in await service.promote(ctx.session, found):
        replies.append(
            Reply(
                "events/promoted",
                {"event": await member_view(ctx.session, found, member_id)},
                to_member=member_id,
                idempotency_key=f"event:{found.id}:promoted:{member_id}:{ctx.event.event_id}",
            )
        )
    if field in ("start", "at"):
        for member_id in await service.members_answering(ctx.session, found.id, TOLD):
            replies.append(
                Reply(
                    "events/edited",
                    {
                        "event": await member_view(ctx.session, found, member_id),
                        "field": field,
                        "organiser": False,
                    },
                    to_member=member_id,
                    idempotency_key=f"event:{found.id}:edited:{member_id}:{ctx.event.event_id}",
                )
            )
    if field != "cap":
        await scheduled.changed(ctx.session, ctx.services, found)
    return replies + await cards.changed(ctx.session, ctx.services, found)


@registry.command("event message", EVENT_ARG, ArgSpec("text", ArgType.TEXT))
async def message(ctx: Context, event: str, text: str) -> list[Reply]:
    """Send a message to everyone going, by DM through the outbox."""
    found = await _managed(ctx, event)
    if isinstance(found, Reply):
        return [found]
    going = await service.members_answering(ctx.session, found.id, (Answer.GOING,))
    replies = [
        Reply(
            "events/message",
            {"event": view(found), "text": text, "count": len(going), "organiser": True},
            visibility=Visibility.PRIVATE,
        )
    ]
    for member_id in going:
        replies.append(
            Reply(
                "events/message",
                {"event": view(found), "text": text, "count": 0, "organiser": False},
                to_member=member_id,
                idempotency_key=f"event:{found.id}:message:{member_id}:{ctx.event.event_id}",
            )
        )
    return replies
