"""``/stats segments`` for moderators, and the sweep that keeps members' segments fresh."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy.ext.asyncio import AsyncSession

from core.context import Context, Services
from core.events import Reply, Role, Visibility
from core.features.segments.clusters import COLUMNS
from core.features.segments.service import SegmentsService
from core.registry import Registry

registry = Registry("segments")


@registry.command("stats segments", min_role=Role.MODERATOR)
async def segments(ctx: Context) -> Reply:
    """Members grouped by how they take part (KMeans), with each group's size and score."""
    service = ctx.services.get(SegmentsService)
    summary = await service.refresh(ctx.session)
    found = summary.segmentation
    groups = []
    if found is not None:
        for i, size in sorted(enumerate(found.sizes()), key=lambda pair: -pair[1]):
            groups.append(
                {
                    "name": found.names[i],
                    "size": size,
                    "share": size / summary.members,
                    "score": summary.mean_scores[i],
                    "centre": dict(zip(COLUMNS, (float(v) for v in found.centres[i]), strict=True)),
                }
            )
    return Reply(
        "segments/stats",
        {
            "members": summary.members,
            "days": service.settings.days,
            "k": found.k if found is not None else 0,
            "silhouette": found.silhouette if found is not None else 0.0,
            "groups": groups,
        },
        visibility=Visibility.PRIVATE,
    )


@registry.sweep("segments", every=timedelta(hours=1))
async def refresh(services: Services, session: AsyncSession) -> int:
    """Members' segments computed again once ``[segments] refresh_hours`` have passed."""
    service = services.get(SegmentsService)
    if not await service.stale(session, services.clock.now()):
        return 0
    return (await service.refresh(session)).members
