"""Feedback given and backed, for /privacy. Forgotten, an idea others backed stays with its
votes and status, without its words or who gave it; the rest goes."""

from typing import Any

from sqlalchemy import delete, func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from core.features.feedback.models import (
    FeedbackComposition,
    FeedbackDraft,
    FeedbackItem,
    FeedbackVote,
)
from core.i18n import N_
from core.privacy import PLACEHOLDER, Forgetting, PersonalData, delete_rows, rows_of

KEPT = N_(
    "Feedback others voted for stays with its votes and status, without your words or name: "
    "it is theirs too."
)


async def export(session: AsyncSession, member_id: int) -> dict[str, Any]:
    return {
        "feedback": await rows_of(session, FeedbackItem.member_id, member_id),
        "feedback_votes": await rows_of(session, FeedbackVote.member_id, member_id),
        "feedback_drafts": await rows_of(session, FeedbackDraft.member_id, member_id),
    }


async def forget(session: AsyncSession, forgetting: Forgetting) -> None:
    member = forgetting.member_id
    await delete_rows(
        session,
        FeedbackDraft.member_id,
        FeedbackComposition.member_id,
        FeedbackVote.member_id,
        member_id=member,
    )
    backers = select(func.count()).where(FeedbackVote.item_id == FeedbackItem.id).scalar_subquery()
    items = (
        await session.execute(
            select(FeedbackItem.id, FeedbackItem.title, FeedbackItem.description, backers).where(
                FeedbackItem.member_id == member
            )
        )
    ).all()
    for _, title, description, _ in items:
        forgetting.wrote(title, description)
    backed = [item for item, _, _, votes in items if votes]
    alone = [item for item, _, _, votes in items if not votes]
    if alone:
        await session.execute(delete(FeedbackDraft).where(FeedbackDraft.item_id.in_(alone)))
        await session.execute(delete(FeedbackItem).where(FeedbackItem.id.in_(alone)))
    if backed:
        forgetting.keep(KEPT)
        await session.execute(
            update(FeedbackItem)
            .where(FeedbackItem.id.in_(backed))
            .values(member_id=None, title=PLACEHOLDER, description=PLACEHOLDER)
        )


PART = PersonalData(
    (
        FeedbackItem.__tablename__,
        FeedbackVote.__tablename__,
        FeedbackDraft.__tablename__,
        FeedbackComposition.__tablename__,
    ),
    export,
    forget,
)
