"""/privacy export and /privacy forget (after a confirm button), and the sweep that deletes
raw activity the rollup has counted."""

from __future__ import annotations

import json
from datetime import timedelta

from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession

from core.activity import ActivityEvent
from core.context import Context, Services
from core.events import Attachment, Button, Reply, Visibility
from core.features.analytics.models import RollupState
from core.features.analytics.rollup import MARK
from core.features.privacy import service
from core.features.privacy.settings import PrivacySettings
from core.i18n import N_
from core.registry import Registry

registry = Registry("privacy")

PLATFORM_KEPT = N_(
    "Messages you posted in groups and channels stay on Discord and Telegram: delete them "
    "there if you wish."
)


def _private(template: str, buttons: tuple[Button, ...] = (), **context: object) -> Reply:
    return Reply(f"privacy/{template}", context, buttons=buttons, visibility=Visibility.PRIVATE)


@registry.command("privacy export")
async def export(ctx: Context) -> Reply:
    """Get a file with everything stored about you."""
    found = await service.export(ctx.services.features, ctx.session, ctx.member.id, ctx.now)
    data = json.dumps(found, ensure_ascii=False, indent=2).encode()
    return Reply(
        "privacy/export",
        {"keys": [k for k in found if k not in ("format", "exported_at")]},
        visibility=Visibility.PRIVATE,
        attachments=(Attachment("townhall-data.json", data, "application/json"),),
    )


@registry.command("privacy forget")
async def forget(ctx: Context) -> Reply:
    """Have everything about you deleted (you confirm first)."""
    return _private(
        "confirm",
        (
            Button("privacy.forget", "yes", label_key=N_("🗑 Forget me")),
            Button("privacy.forget", "no", label_key=N_("✖ Cancel")),
        ),
    )


@registry.action("privacy.forget")
async def confirmed(ctx: Context, arg: str) -> Reply:
    if arg != "yes":
        return _private("cancelled")
    member_id = ctx.member.id
    forgotten = await service.forget(ctx.services.features, ctx.session, member_id, ctx.now)
    ctx.services.activity.forget(member_id)
    return _private("forgotten", kept=[*forgotten.kept, PLATFORM_KEPT])


@registry.sweep("privacy activity", every=timedelta(hours=1))
async def prune_activity(services: Services, session: AsyncSession) -> int:
    """Raw activity older than ``[privacy] activity_days`` and already rolled up goes."""
    days = services.settings.section(PrivacySettings).activity_days
    counted = await session.scalar(select(RollupState.value).where(RollupState.name == MARK))
    if counted:
        await session.execute(
            delete(ActivityEvent).where(
                ActivityEvent.id <= counted,
                ActivityEvent.at < services.clock.now() - timedelta(days=days),
            )
        )
    return 0
