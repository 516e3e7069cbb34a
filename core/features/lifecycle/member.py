"""``/member NAME`` for moderators: where a member stands, from every feature's rows."""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select

from core.activity import ActivityEvent
from core.context import Context
from core.events import Reply, Role, Visibility
from core.features.events.models import Rsvp
from core.features.events.service import Answer
from core.features.lifecycle.models import MemberStage
from core.features.reputation import ledger
from core.features.segments.service import SegmentsService
from core.features.tickets.chat import member_named
from core.features.tickets.models import ACTIVE, Ticket
from core.members import service as members
from core.registry import ArgSpec, ArgType, Registry

registry = Registry("lifecycle")

NOT_A_FEATURE = ("none", "unknown", "error")
"""What the activity log names when no feature handled an event."""


@registry.command(
    "member",
    ArgSpec("name", ArgType.WORD, description="a member's name or account id"),
    min_role=Role.MODERATOR,
)
async def member(ctx: Context, name: str) -> Reply:
    """A member's stage, last seen, last feature used, points, tickets, events and consent."""
    found = await member_named(ctx, name)
    if found is None:
        return Reply("lifecycle/who", {"who": name}, visibility=Visibility.PRIVATE)
    session = ctx.session
    stage = await session.get(MemberStage, found.id)
    last_feature = await session.scalar(
        select(ActivityEvent.feature)
        .where(ActivityEvent.member_id == found.id, ActivityEvent.feature.not_in(NOT_A_FEATURE))
        .order_by(ActivityEvent.at.desc(), ActivityEvent.id.desc())
        .limit(1)
    )
    active = Ticket.status.in_(ACTIVE)
    tickets: dict[bool, int] = {
        bool(is_active): count
        for is_active, count in await session.execute(
            select(active, func.count()).where(Ticket.member_id == found.id).group_by(active)
        )
    }
    rsvps = (
        await session.execute(
            select(
                func.count().filter(Rsvp.status == Answer.GOING.value),
                func.count(Rsvp.checked_in_at),
            ).where(Rsvp.member_id == found.id)
        )
    ).one()
    identity = members.dm_identity(found)
    try:
        segment = await ctx.services.get(SegmentsService).segment_of(session, found.id)
    except LookupError:
        segment = None
    context: dict[str, Any] = {
        "name": found.display_name,
        "stage": stage.stage if stage else None,
        "since": stage.since if stage else None,
        "last_seen": found.last_seen_at,
        "feature": last_feature,
        "points": await ledger.balance(session, found.id),
        "open_tickets": tickets.get(True, 0),
        "tickets": sum(tickets.values()),
        "going": rsvps[0],
        "attended": rsvps[1],
        "opted_out": found.dm_opt_out,
        "unasked_dms": members.allows_unasked_dms(found),
        "dm_platform": identity.platform if identity else None,
        "segment": segment,
    }
    return Reply("lifecycle/member", context, visibility=Visibility.PRIVATE)
