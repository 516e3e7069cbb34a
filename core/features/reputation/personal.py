"""Points, counters and tier, for /privacy. Forgotten, ledger rows stay without their member
(the community's totals do not change); what only describes the member goes."""

from typing import Any

from sqlalchemy import delete, or_, update
from sqlalchemy.ext.asyncio import AsyncSession

from core.features.reputation.models import (
    RepEntry,
    RepMessage,
    RepRingHit,
    RepRollup,
    RepStats,
    RepTier,
)
from core.i18n import N_
from core.privacy import Forgetting, PersonalData, clear, delete_rows, rows_of

KEPT = N_(
    "Points you earned or gave stay in the ledger without your name, so the community's "
    "totals and others' points stay right."
)


async def export(session: AsyncSession, member_id: int) -> dict[str, Any]:
    return {
        "points_ledger": await rows_of(session, RepEntry.member_id, member_id),
        "points_given": await rows_of(session, RepEntry.giver_id, member_id),
        "reputation_stats": await rows_of(session, RepStats.member_id, member_id),
        "reputation_tier": await rows_of(session, RepTier.member_id, member_id),
    }


async def forget(session: AsyncSession, forgetting: Forgetting) -> None:
    member = forgetting.member_id
    earned = await session.execute(
        update(RepEntry).where(RepEntry.member_id == member).values(member_id=None, note=None)
    )
    if earned.rowcount:  # type: ignore[attr-defined]
        forgetting.keep(KEPT)
    await clear(session, RepEntry.giver_id, member_id=member)
    await session.execute(
        delete(RepRingHit).where(
            or_(RepRingHit.giver_id == member, RepRingHit.receiver_id == member)
        )
    )
    await delete_rows(
        session,
        RepMessage.member_id,
        RepRollup.member_id,
        RepStats.member_id,
        RepTier.member_id,
        member_id=member,
    )


PART = PersonalData(
    (
        RepEntry.__tablename__,
        RepRollup.__tablename__,
        RepMessage.__tablename__,
        RepRingHit.__tablename__,
        RepStats.__tablename__,
        RepTier.__tablename__,
    ),
    export,
    forget,
)
