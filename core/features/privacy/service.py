"""Export and forget over every feature's part (``Feature.personal_data``), the core's last:
the features read the member's accounts while they forget, then the accounts go."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from core.feature import Feature
from core.features.privacy import core_data
from core.members.models import Identity
from core.privacy import Forgetting, PersonalData, plain

FORMAT = "townhall-privacy-export/1"


def parts(features: Sequence[Feature]) -> list[tuple[str, PersonalData]]:
    """Every feature's part in priority order, then the core's."""
    found = [(f.name, f.personal_data) for f in features if f.personal_data is not None]
    return [(name, part) for name, part in found if part is not core_data.PART] + [
        ("core", core_data.PART)
    ]


async def export(
    features: Sequence[Feature], session: AsyncSession, member_id: int, now: datetime
) -> dict[str, Any]:
    """Everything stored about the member: the core's under its keys, each feature's under
    its name."""
    found: dict[str, Any] = {"format": FORMAT, "exported_at": plain(now)}
    for name, part in parts(features):
        if part.export is None:
            continue
        exported = await part.export(session, member_id)
        if name == "core":
            found |= exported
        elif any(exported.values()):
            found[name] = exported
    return found


async def forget(
    features: Sequence[Feature], session: AsyncSession, member_id: int, now: datetime
) -> Forgetting:
    """Deletes and anonymises in the session's transaction (the caller commits); says what
    was kept and why."""
    forgetting = Forgetting(member_id, now, await core_data.traces(session, member_id))
    for _, part in parts(features):
        if part.forget is not None:
            await part.forget(session, forgetting)
    await session.flush()
    return forgetting


async def member_of(session: AsyncSession, account: str) -> int | None:
    """The member behind ``PLATFORM:ID`` (``telegram:12345``), if any."""
    platform, _, user_id = account.partition(":")
    found: int | None = await session.scalar(
        select(Identity.member_id).where(
            Identity.platform == platform.lower(), Identity.platform_user_id == user_id
        )
    )
    return found
