"""How the knowledge base learns from what happens after an answer.

Other features report here: the ticket desk proposes a solved ticket's question and staff
answer, and says when a member escalated to a human, so deflection counts what really
happened rather than only the 👍/👎 buttons.

Follow-ups count within ``FOLLOW_UP_WINDOW`` of the answer, both ends included: a ticket
opened exactly 24 h later still says the answer did not settle it, one a minute later does not.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from rapidfuzz import fuzz
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from core.features.faq.models import AnswerLog, Suggestion
from core.features.faq.search_text import Normaliser

FOLLOW_UP_WINDOW = timedelta(hours=24)
SAME_QUESTION = 80
"""rapidfuzz token_set_ratio of two normalised questions from which they ask the same thing."""

_normaliser = Normaliser()


def comparable(text: str) -> str:
    """Case, width and word endings folded the way the FAQ search folds them."""
    return " ".join(_normaliser.tokens(text))


def same_question(a: str, b: str) -> bool:
    return fuzz.token_set_ratio(comparable(a), comparable(b)) >= SAME_QUESTION


async def existing(session: AsyncSession, source: str, source_ref: str) -> Suggestion | None:
    """The suggestion already proposed from this origin (a missed question, a ticket), if any."""
    found: Suggestion | None = await session.scalar(
        select(Suggestion).where(Suggestion.source == source, Suggestion.source_ref == source_ref)
    )
    return found


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
    first = await existing(session, source, source_ref)
    if first is not None:
        return first
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


async def record_repeat(session: AsyncSession, log: AnswerLog, top_entry_id: str | None) -> None:
    """Mark the member's earlier answers that ``log`` asks about again.

    Asking again means the same topic, not any question: a later question within the window
    whose best match is the entry the member was already given, or whose text is nearly the
    same as the earlier question (which covers questions the bot declined both times). A
    member who asks about something else afterwards was not failed by the first answer.
    Flushes, does not commit.
    """
    if log.member_id is None:
        return
    earlier = await session.scalars(
        select(AnswerLog).where(
            AnswerLog.member_id == log.member_id,
            AnswerLog.id != log.id,
            AnswerLog.asked_at >= log.asked_at - FOLLOW_UP_WINDOW,
            AnswerLog.asked_at <= log.asked_at,
            AnswerLog.repeated_at.is_(None),
        )
    )
    for prior in earlier:
        same_entry = top_entry_id is not None and prior.entry_id == top_entry_id
        if same_entry or same_question(prior.question, log.question):
            prior.repeated_at = log.asked_at
    await session.flush()
