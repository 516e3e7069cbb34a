"""A member's arrival: a welcome in their language, once. Departures are only logged.

The router writes every event, leaves included, to the activity log; nothing is said when
someone leaves.
"""

from __future__ import annotations

from core.context import Context
from core.events import EventKind, Reply
from core.features.lifecycle.service import welcome_key, welcome_place
from core.features.lifecycle.settings import WelcomeSettings
from core.registry import Registry

registry = Registry("lifecycle")


@registry.on(EventKind.MEMBER_JOINED)
async def welcome(ctx: Context) -> Reply | None:
    place = welcome_place(ctx.place, ctx.services.settings.section(WelcomeSettings))
    if place is None:
        return None
    return Reply(
        "lifecycle/welcome",
        {"name": ctx.actor.display_name},
        to_place=place,
        locale=ctx.locale,
        idempotency_key=welcome_key(ctx.member.id, ctx.place),
    )
