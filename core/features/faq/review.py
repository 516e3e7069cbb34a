"""Moderators teaching the knowledge base: answers to missed questions become suggestions,
suggestions become phrasings or entries, and disliked entries come to their attention.

A moderator answers a missed question (one the bot declined or a member marked 👎) either
by replying to the member's message or with ``/faq answer``. Writing ``#entry-id`` in that
answer points at the entry the question belongs to; otherwise the closest entry the search
finds, other than the one the member disliked, is proposed, and the moderator's text is kept
so the suggestion can become a new entry instead.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from enum import StrEnum

from sqlalchemy import String, and_, case, cast, func, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from core.features.faq import learning
from core.features.faq.entries import KBEntry
from core.features.faq.models import AnswerLog, Suggestion
from core.features.faq.service import FaqService

SOURCE = "answer"
"""``Suggestion.source`` of a moderator's answer; ``source_ref`` is the AnswerLog id."""

HEALTH_WINDOW = timedelta(days=30)
DISLIKED_MIN_COUNT = 3
DISLIKED_MIN_RATIO = 0.3
"""An entry is listed once at least this many 👎 make up at least this share of its answers."""

AWAITING_WINDOW = timedelta(days=7)

CLOSEST_MIN_SCORE = 0.2
"""Below this even the best search match is no better than proposing a new entry."""

_POINTER = re.compile(r"(?<![A-Za-z0-9_#])#([^\W_][\w-]*)")


class Outcome(StrEnum):
    DONE = "done"
    ALREADY = "already"
    GONE = "gone"
    MISSING = "missing"


@dataclass(frozen=True)
class Decision:
    outcome: Outcome
    suggestion: Suggestion | None = None
    entry: KBEntry | None = None


@dataclass(frozen=True)
class DislikedEntry:
    entry_id: str
    locale: str
    answers: int
    disliked: int

    @property
    def ratio(self) -> float:
        return self.disliked / self.answers


@dataclass(frozen=True)
class Confusion:
    """Members asked for ``wanted`` and got ``given``: a moderator moved the question."""

    given: str
    wanted: str
    count: int


def needs_answer(log: AnswerLog) -> bool:
    return not log.answered or log.vote == "down"


async def log_asked_by_message(
    session: AsyncSession, platform: str, chat_id: str, message_id: str
) -> AnswerLog | None:
    return await session.scalar(
        select(AnswerLog)
        .where(
            AnswerLog.platform == platform,
            AnswerLog.chat_id == chat_id,
            AnswerLog.message_id == message_id,
        )
        .order_by(AnswerLog.id.desc())
        .limit(1)
    )


async def capture_answer(
    session: AsyncSession,
    faq: FaqService,
    log: AnswerLog,
    *,
    text: str,
    moderator_id: int,
    now: datetime,
) -> tuple[Suggestion, bool]:
    """Propose the question behind ``log`` with the moderator's answer; True when new.

    A topic the member picked stands for the question they typed, so that question is the
    one proposed. One suggestion per missed question: answering it again returns the first.
    Flushes.
    """
    first = await learning.existing(session, SOURCE, str(log.id))
    if first is not None:
        return first, False
    asked = await session.get(AnswerLog, log.parent_id) if log.parent_id is not None else None
    suggestion = await learning.propose(
        session,
        question=(asked or log).question,
        locale=(asked or log).locale,
        source=SOURCE,
        source_ref=str(log.id),
        now=now,
        answer=text,
        entry_id=await target_entry(
            faq,
            (asked or log).question,
            text,
            log.locale,
            rejected=log.entry_id if log.answered else None,
        ),
        proposed_by=moderator_id,
    )
    return suggestion, True


async def target_entry(
    faq: FaqService, question: str, text: str, locale: str, *, rejected: str | None = None
) -> str | None:
    """The entry a moderator's answer belongs to: one it points at (#entry-id), else the
    closest to the question if close enough, never the answer the member rejected; None
    proposes a new entry."""
    for pointed in _POINTER.findall(text):
        entry = faq.find(pointed.lower(), locale)
        if entry is not None:
            return entry.id
    result, _ = await faq.search(question, limit=3)
    for candidate in result.candidates:
        entry = faq.public_entry(candidate.entry_id)
        if entry is None or entry.id == rejected:
            continue
        return entry.id if candidate.score >= CLOSEST_MIN_SCORE else None
    return None


def without_pointers(text: str) -> str:
    """The moderator's answer as a member should read it."""
    return _POINTER.sub(lambda m: m.group(1), text)


def answer_for_member(faq: FaqService, suggestion: Suggestion) -> str:
    """The moderator's words; an answer that only points at an entry sends that entry's."""
    text = suggestion.answer or ""
    if _POINTER.sub("", text).strip() or suggestion.entry_id is None:
        return without_pointers(text)
    entry = faq.find(suggestion.entry_id, suggestion.locale)
    return entry.answer if entry is not None else without_pointers(text)


async def pending(session: AsyncSession, limit: int) -> tuple[list[Suggestion], int]:
    """Oldest first, so nothing waits forever; and how many are pending in all."""
    waiting = Suggestion.status == "pending"
    rows = await session.scalars(
        select(Suggestion)
        .where(waiting)
        .order_by(Suggestion.proposed_at, Suggestion.id)
        .limit(limit)
    )
    total = await session.scalar(select(func.count(Suggestion.id)).where(waiting))
    return list(rows), total or 0


async def decide(
    session: AsyncSession,
    faq: FaqService,
    suggestion_id: int,
    *,
    accept: bool,
    as_new_entry: bool = False,
    moderator_id: int,
    now: datetime,
) -> Decision:
    """Accept (as a phrasing, or as a new entry) or reject a pending suggestion. Flushes.

    The suggestion is claimed with a conditional update, so a second press, or two
    moderators pressing at once, changes the knowledge base once and reports the first
    decision to the others.
    """
    suggestion = await session.get(Suggestion, suggestion_id)
    if suggestion is None:
        return Decision(Outcome.MISSING)
    if suggestion.status != "pending":
        return Decision(Outcome.ALREADY, suggestion)
    entry: KBEntry | None = None
    if accept:
        entry = _accepted_entry(faq, suggestion, as_new_entry)
        if entry is None:
            return Decision(Outcome.GONE, suggestion)
    claimed = await session.execute(
        update(Suggestion)
        .where(and_(Suggestion.id == suggestion_id, Suggestion.status == "pending"))
        .values(
            status="accepted" if accept else "rejected",
            decided_by=moderator_id,
            decided_at=now,
            entry_id=entry.id if entry is not None else Suggestion.entry_id,
        )
        .execution_options(synchronize_session=False)
    )
    if getattr(claimed, "rowcount", 0) != 1:
        await session.rollback()
        await session.refresh(suggestion)
        return Decision(Outcome.ALREADY, suggestion)
    if entry is None:
        await session.flush()
    else:
        await faq.save(session, entry, moderator_id, now)
    await session.refresh(suggestion)
    return Decision(Outcome.DONE, suggestion, entry)


def _accepted_entry(faq: FaqService, suggestion: Suggestion, as_new_entry: bool) -> KBEntry | None:
    if suggestion.entry_id is not None and not as_new_entry:
        entry = faq.find(suggestion.entry_id, suggestion.locale)
        if entry is None:
            return None
        known = {learning.comparable(p) for p in entry.phrasings}
        if learning.comparable(suggestion.question) in known:
            return entry
        return replace(entry, questions=(*entry.questions, suggestion.question))
    if not suggestion.answer:
        return None
    return KBEntry(
        id=faq.free_id(suggestion.question, suggestion.locale),
        title=suggestion.question[:300],
        questions=(),
        answer=without_pointers(suggestion.answer),
        locale=suggestion.locale,
        source="db",
    )


async def disliked_entries(session: AsyncSession, now: datetime) -> list[DislikedEntry]:
    """Entries whose 👎 over the last 30 days pass both the count and the share."""
    disliked = func.sum(case((AnswerLog.vote == "down", 1), else_=0))
    rows = await session.execute(
        select(AnswerLog.entry_id, AnswerLog.locale, func.count(AnswerLog.id), disliked)
        .where(
            AnswerLog.answered.is_(True),
            AnswerLog.entry_id.is_not(None),
            AnswerLog.asked_at >= now - HEALTH_WINDOW,
        )
        .group_by(AnswerLog.entry_id, AnswerLog.locale)
    )
    found = [
        DislikedEntry(str(entry_id), locale, int(answers), int(downs or 0))
        for entry_id, locale, answers, downs in rows
        if int(downs or 0) >= DISLIKED_MIN_COUNT
        and int(downs or 0) / int(answers) >= DISLIKED_MIN_RATIO
    ]
    return sorted(found, key=lambda d: (-d.disliked, -d.ratio, d.entry_id))


async def confusions(session: AsyncSession, now: datetime, limit: int = 10) -> list[Confusion]:
    """Entry pairs that steal from each other, as moderators saw it in the last 30 days.

    Each accepted suggestion that moved a question from the entry the bot gave to another
    one is a real confusion. (search_eval's confusion count needs labelled questions; run
    on the knowledge base's own phrasings every phrasing finds itself, so it shows nothing.)
    """
    given = AnswerLog.entry_id
    rows = await session.execute(
        select(given, Suggestion.entry_id, func.count(Suggestion.id))
        .join(AnswerLog, Suggestion.source_ref == cast(AnswerLog.id, String))
        .where(
            Suggestion.source == SOURCE,
            Suggestion.status == "accepted",
            Suggestion.decided_at >= now - HEALTH_WINDOW,
            AnswerLog.answered.is_(True),
            given.is_not(None),
            Suggestion.entry_id.is_not(None),
            given != Suggestion.entry_id,
        )
        .group_by(given, Suggestion.entry_id)
        .order_by(func.count(Suggestion.id).desc())
        .limit(limit)
    )
    return [Confusion(str(a), str(b), int(n)) for a, b, n in rows]


async def awaiting_answer(session: AsyncSession, now: datetime, limit: int) -> list[AnswerLog]:
    """Recent questions members marked 👎 or took to a human, that no moderator answered."""
    answered = select(Suggestion.id).where(
        Suggestion.source == SOURCE, Suggestion.source_ref == cast(AnswerLog.id, String)
    )
    rows = await session.scalars(
        select(AnswerLog)
        .where(
            AnswerLog.asked_at >= now - AWAITING_WINDOW,
            or_(
                AnswerLog.vote == "down",
                and_(AnswerLog.answered.is_(False), AnswerLog.escalated_at.is_not(None)),
            ),
            ~answered.exists(),
        )
        .order_by(AnswerLog.asked_at.desc())
        .limit(limit)
    )
    return list(rows)
