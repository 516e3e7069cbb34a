"""The founder's commands: their digest now, and daily or weekly; and the sweep that sends it
at their hour."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy.ext.asyncio import AsyncSession

from core.context import Context, Services
from core.events import Reply, Role, Visibility
from core.features.digest import delivery, founders
from core.features.digest.compose import assemble
from core.features.digest.models import DigestChoice
from core.features.digest.settings import DigestSettings
from core.registry import ArgSpec, ArgType, Registry

registry = Registry("digest")


@registry.command("digest now", min_role=Role.FOUNDER)
async def now(ctx: Context) -> Reply:
    """Your digest right away (daily or weekly, as you chose), with its chart."""
    weekly = await founders.weekly(ctx.session, ctx.member.id)
    digest = await assemble(ctx.services, ctx.session, weekly=weekly)
    return await delivery.reply(ctx.services, ctx.member, digest)


@registry.command(
    "digest weekly",
    ArgSpec("switch", ArgType.CHOICE, choices=("on", "off")),
    min_role=Role.FOUNDER,
)
async def weekly(ctx: Context, switch: str) -> Reply:
    """On: one summary of the week each Monday instead of a daily digest. Off: daily again."""
    choice = await ctx.session.get(DigestChoice, ctx.member.id)
    if choice is None:
        choice = DigestChoice(member_id=ctx.member.id)
        ctx.session.add(choice)
    choice.weekly = switch == "on"
    settings = ctx.services.settings
    return Reply(
        "digest/weekly",
        {
            "weekly": choice.weekly,
            "hour": settings.section(DigestSettings).hour,
            "zone": founders.zone_of(ctx.member, settings).key,
        },
        visibility=Visibility.PRIVATE,
    )


@registry.sweep("digest", every=timedelta(minutes=5))
async def send(services: Services, session: AsyncSession) -> int:
    """Each founder's digest once a day at ``[digest] hour`` in their time zone."""
    return await delivery.sweep(services, session)
