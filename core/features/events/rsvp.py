"""Members answering: the card's buttons, /event leave, and the waitlist moving up."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from core.clock import as_utc
from core.context import Context
from core.events import Reply, Visibility
from core.features.events import cards, service
from core.features.events.models import Event
from core.features.events.service import Answer
from core.features.events.settings import EventsSettings
from core.features.events.views import view
from core.members.models import Member
from core.registry import ArgSpec, Registry

registry = Registry("events")
EVENT_ARG = ArgSpec("event", description="E-12")


def unavailable(event: Event | None, ref: str, now: datetime, close_minutes: int) -> Reply | None:
    """Why ``event`` takes no answer now, as the reply saying so; None when it does."""
    if event is None:
        problem = "missing"
    elif event.cancelled_at is not None:
        problem = "cancelled"
    elif now >= as_utc(event.ends_at):
        problem = "over"
    elif not service.is_open(event, now, close_minutes):
        problem = "closed"
    else:
        return None
    return Reply(
        "events/unavailable",
        {"problem": problem, "ref": event.ref if event else ref},
        visibility=Visibility.PRIVATE,
    )


async def member_view(session: AsyncSession, event: Event, member_id: int) -> dict[str, object]:
    """The event as a DM to this member shows it: in their zone, else the event's, named."""
    member = await session.get_one(Member, member_id)
    return view(event, zone=member.timezone)


async def answer(ctx: Context, event: Event | None, ref: str, choice: Answer) -> list[Reply]:
    settings = ctx.services.settings.section(EventsSettings)
    refused = unavailable(event, ref, ctx.now, settings.rsvp_close_minutes)
    if refused is not None or event is None:
        return [refused] if refused else []
    answered = await service.answer(ctx.session, event, ctx.member.id, choice, ctx.now)
    replies = [
        Reply(
            "events/answered",
            {"status": answered.status.value, "position": answered.position, "event": view(event)},
            visibility=Visibility.PRIVATE,
        )
    ]
    for member_id in answered.promoted:
        replies.append(
            Reply(
                "events/promoted",
                {"event": await member_view(ctx.session, event, member_id)},
                to_member=member_id,
                idempotency_key=f"event:{event.id}:promoted:{member_id}:{ctx.event.event_id}",
            )
        )
    if answered.changed:
        replies += await cards.changed(ctx.session, ctx.services, event)
    return replies


@registry.action(cards.RSVP_ACTION)
async def press(ctx: Context, arg: str) -> list[Reply]:
    ref, _, choice = arg.partition(":")
    if choice not in {c.value for c in service.CHOICES}:
        return [Reply("core/stale_button", visibility=Visibility.PRIVATE)]
    return await answer(ctx, await service.find(ctx.session, ref), ref, Answer(choice))


@registry.command("event leave", EVENT_ARG)
async def leave(ctx: Context, event: str) -> list[Reply]:
    """Give up your place (or your spot on the waitlist): the same as ❌ Can't go."""
    return await answer(ctx, await service.find(ctx.session, event), event, Answer.NO)
