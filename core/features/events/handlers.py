"""Chat surface of events: creating them, and the organiser's rights."""

from __future__ import annotations

from core.context import Context
from core.events import Reply, Role, Visibility
from core.features.events import cards, service
from core.features.events.models import Event
from core.features.events.parse import Refusal, parse_create
from core.features.events.settings import EventsSettings
from core.features.events.views import view
from core.registry import ArgSpec, ArgType, Registry

registry = Registry("events")


def _private(template: str, **context: object) -> Reply:
    return Reply(f"events/{template}", context, visibility=Visibility.PRIVATE)


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


@registry.command(
    "event create",
    ArgSpec("details", ArgType.TEXT, required=False, description="TYPE TITLE | START | options"),
)
async def create(ctx: Context, details: str = "") -> Reply | list[Reply]:
    """Create an event: /event create TYPE TITLE | START [| 2h | cap 30 | at WHERE | weekly]."""
    if not may_organise(ctx):
        return _private("not_organiser", own=False, ref="")
    zone = member_zone(ctx)
    if not details:
        return _private("create_usage", zone=zone)
    try:
        draft = parse_create(details, ctx.now, zone)
    except Refusal as refusal:
        return _private(
            "create_refused",
            problem=refusal.problem,
            value=refusal.value,
            suggestions=refusal.suggestions,
            zone=zone,
        )
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
