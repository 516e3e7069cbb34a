"""Who may organise events, and what creating one says and posts (see compose.py for the
ways of asking)."""

from __future__ import annotations

from core.context import Context
from core.events import Reply, Role
from core.features.events import cards, service
from core.features.events.models import Event
from core.features.events.parse import Draft
from core.features.events.settings import EventsSettings
from core.features.events.views import view


def member_zone(ctx: Context) -> str:
    return ctx.member.timezone or ctx.services.settings.section(EventsSettings).default_timezone


def may_organise(ctx: Context, event: Event | None = None) -> bool:
    """Moderators; accounts in ``[events] organisers``; holders of an organiser role; and
    an event's own organiser for that event."""
    settings = ctx.services.settings.section(EventsSettings)
    accounts = {f"{i.platform}:{i.platform_user_id}" for i in ctx.member.identities}
    return (
        ctx.actor.role >= Role.MODERATOR
        or bool(accounts & set(settings.organisers))
        or bool(set(ctx.actor.role_ids) & set(settings.organiser_role_ids))
        or (event is not None and event.organiser_id == ctx.member.id)
    )


async def publish(ctx: Context, draft: Draft) -> list[Reply]:
    """Save the event, and the organiser's answer with its card for every announce place."""
    event = await service.create(
        ctx.session, draft, organiser_id=ctx.member.id, locale=ctx.locale, now=ctx.now
    )
    settings = ctx.services.settings.section(EventsSettings)
    posts = await cards.post(ctx.session, ctx.services, event)
    created = Reply(
        "events/created",
        {
            "event": view(event),
            "places": len(settings.announce_places),
            "ahead": settings.post_ahead_days,
        },
    )
    return [created, *posts]
