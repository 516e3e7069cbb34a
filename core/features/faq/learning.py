"""How the knowledge base learns from what happens after an answer.

Other features report here: the ticket desk proposes a solved ticket's question and staff
answer, and says when a member escalated to a human, so deflection counts what really
happened rather than only the 👍/👎 buttons.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from core.features.faq.models import AnswerLog, Suggestion

FOLLOW_UP_WINDOW = timedelta(hours=24)


async def propose(
    session: AsyncSession,
    *,
    question: str,
    locale: str,
    source: str,
    source_ref: str,
    now: datetime,
    answer: str | None = None,
    entry_id: str | None = None,
    proposed_by: int | None = None,
) -> Suggestion:
    """Queue a suggestion for moderators; proposing the same origin again returns the first.

    Flushes, does not commit.
    """
    existing = await session.scalar(
        select(Suggestion).where(Suggestion.source == source, Suggestion.source_ref == source_ref)
    )
    if existing is not None:
        return existing
    suggestion = Suggestion(
        question=question,
        answer=answer,
        locale=locale,
        entry_id=entry_id,
        source=source,
        source_ref=source_ref,
        status="pending",
        proposed_by=proposed_by,
        proposed_at=now,
    )
    session.add(suggestion)
    await session.flush()
    return suggestion


async def record_escalation(session: AsyncSession, member_id: int, now: datetime) -> None:
    """The member went to a human: their latest answer within a day did not deflect.

    Flushes, does not commit.
    """
    latest = await session.scalar(
        select(AnswerLog)
        .where(AnswerLog.member_id == member_id, AnswerLog.asked_at >= now - FOLLOW_UP_WINDOW)
        .order_by(AnswerLog.asked_at.desc(), AnswerLog.id.desc())
        .limit(1)
    )
    if latest is not None and latest.escalated_at is None:
        latest.escalated_at = now
        await session.flush()
