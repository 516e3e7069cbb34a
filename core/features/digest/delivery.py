"""The digest as a message: its text in the founder's language and its chart beside it.

The sweep queues each founder's digest through the outbox with a ``DigestSent`` row in the
same transaction: the row's unique (founder, local date) and the outbox key both say "sent
today", so a pass killed before its commit leaves nothing and the next pass sends it, and
one killed after finds it done. Drawing the chart runs in a thread, once per language.
"""

from __future__ import annotations

import asyncio

from sqlalchemy.ext.asyncio import AsyncSession

from core.context import Services
from core.events import Attachment, Reply, Visibility
from core.features.digest import founders as who
from core.features.digest.chart import ChartLabels, draw
from core.features.digest.compose import Digest, assemble
from core.features.digest.models import DigestSent
from core.features.digest.settings import DigestSettings
from core.i18n import N_
from core.members.models import Member
from core.render import Renderer

TITLE = N_("Daily active members and new members")
ACTIVE = N_("Daily active members")
NEW = N_("New members")
TARGET = N_("Target")


async def chart(renderer: Renderer, digest: Digest, locale: str) -> Attachment:
    labels = ChartLabels(
        title=renderer.translate(TITLE, locale),
        active=renderer.translate(ACTIVE, locale),
        new=renderer.translate(NEW, locale),
        target=renderer.translate(TARGET, locale),
    )
    png = await asyncio.to_thread(draw, digest.chart, labels)
    return Attachment("digest.png", png, "image/png")


async def reply(
    services: Services,
    member: Member,
    digest: Digest,
    charts: dict[str, Attachment] | None = None,
) -> Reply:
    """The founder's digest, private, in their language and time zone. ``charts``: the
    pass's charts by language, so founders who share one share a drawing."""
    settings = services.settings
    locale = who.language_of(member, settings)
    charts = {} if charts is None else charts
    if locale not in charts:
        charts[locale] = await chart(services.renderer, digest, locale)
    return Reply(
        "digest/digest",
        digest.context(who.zone_of(member, settings).key),
        visibility=Visibility.PRIVATE,
        attachments=(charts[locale],),
        locale=locale,
    )


async def sweep(services: Services, session: AsyncSession) -> int:
    """Every founder whose hour has struck today and who has no digest for today yet."""
    settings = services.settings.section(DigestSettings)
    if not settings.enabled:
        return 0
    now = services.clock.now()
    digests: dict[bool, Digest] = {}
    charts: dict[bool, dict[str, Attachment]] = {False: {}, True: {}}
    queued = 0
    for member in await who.founders(session, services.settings.roles.founders):
        due = await who.due_date(session, member, services.settings, settings.hour, now)
        if due is None:
            continue
        local_date, weekly = due
        if weekly not in digests:
            digests[weekly] = await assemble(services, session, weekly=weekly)
        message = await reply(services, member, digests[weekly], charts[weekly])
        key = f"digest:{member.id}:{local_date.isoformat()}"
        queued += await services.notifier.to_member(session, member.id, message, key)
        session.add(
            DigestSent(
                member_id=member.id,
                local_date=local_date,
                kind="weekly" if weekly else "daily",
                queued_at=now,
            )
        )
        await session.flush()
    return queued
