"""Questions asked and how they were voted, for /privacy. Forgotten, a question stays counted
(the FAQ's figures) without its words or who asked; a proposal made from it loses its words."""

from typing import Any

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from core.features.faq.models import AnswerLog, StoredEntry, Suggestion
from core.i18n import N_
from core.privacy import PLACEHOLDER, Forgetting, PersonalData, clear, rows_of

KEPT = N_(
    "Your questions still count in the FAQ's figures, without your words or your name: "
    "they say how well the FAQ answers."
)


async def export(session: AsyncSession, member_id: int) -> dict[str, Any]:
    return {
        "questions": await rows_of(session, AnswerLog.member_id, member_id),
        "faq_proposals": await rows_of(session, Suggestion.proposed_by, member_id),
    }


async def forget(session: AsyncSession, forgetting: Forgetting) -> None:
    member = forgetting.member_id
    asked = list(
        await session.scalars(select(AnswerLog.question).where(AnswerLog.member_id == member))
    )
    forgetting.wrote(*asked)
    if asked:
        forgetting.keep(KEPT)
        await session.execute(
            update(Suggestion).where(Suggestion.question.in_(asked)).values(question=PLACEHOLDER)
        )
    await session.execute(
        update(AnswerLog)
        .where(AnswerLog.member_id == member)
        .values(member_id=None, question=PLACEHOLDER, chat_id=None, message_id=None)
    )
    await clear(
        session,
        Suggestion.proposed_by,
        Suggestion.decided_by,
        StoredEntry.updated_by,
        member_id=member,
    )


PART = PersonalData(
    (StoredEntry.__tablename__, AnswerLog.__tablename__, Suggestion.__tablename__),
    export,
    forget,
)
