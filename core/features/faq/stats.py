"""What the FAQ achieved over a period: the figures behind /faq stats and the founder's digest.

A question is what a member asked; a topic they picked from a declined question's
suggestions (``AnswerLog.parent_id``) answers that same question rather than counting as a
new one. A question is deflected when it was answered and, within
``learning.FOLLOW_UP_WINDOW`` (both ends included), the member neither escalated to a human
nor asked about the same thing again (see ``learning.record_repeat``). 👍/👎 are reported
beside it, not folded in: most members vote on nothing. The rate only counts answers whose
window has closed by ``now``, so yesterday's answers do not look deflected merely because
their members have not come back yet.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from rapidfuzz import fuzz, process
from sqlalchemy import Row, select
from sqlalchemy.ext.asyncio import AsyncSession

from core.features.faq.learning import FOLLOW_UP_WINDOW, SAME_QUESTION, comparable
from core.features.faq.models import AnswerLog

TOP_UNANSWERED = 10
_COLUMNS = (
    AnswerLog.id,
    AnswerLog.parent_id,
    AnswerLog.answered,
    AnswerLog.asked_at,
    AnswerLog.escalated_at,
    AnswerLog.repeated_at,
    AnswerLog.vote,
    AnswerLog.question,
    AnswerLog.locale,
)
"""Plain rows, not ORM objects: a busy month is tens of thousands of them."""
if TYPE_CHECKING:
    _Log = Row[
        int, int | None, bool, datetime, datetime | None, datetime | None, str | None, str, str
    ]
_GROUPED_AT_MOST = 2000
"""Most recent declined questions grouped; enough for a community, bounded for a flood."""


@dataclass(frozen=True)
class UnansweredGroup:
    """Near-identical declined questions; ``question`` is the most recent wording."""

    question: str
    count: int
    locale: str


@dataclass(frozen=True)
class FaqStats:
    start: datetime
    end: datetime
    asked: int
    answered: int
    declined: int
    helpful: int
    not_helpful: int
    escalated: int
    repeated: int
    settled: int
    """Answered questions whose follow-up window closed by the time of the report."""
    deflected: int
    """Settled answered questions with no escalation and no repeat."""
    unanswered: tuple[UnansweredGroup, ...]

    @property
    def deflection_rate(self) -> float | None:
        return self.deflected / self.settled if self.settled else None

    @property
    def still_open(self) -> int:
        return self.answered - self.settled


async def period_stats(session: AsyncSession, *, days: int, now: datetime) -> FaqStats:
    """The last ``days`` days, up to and including ``now``."""
    end = now + timedelta.resolution
    return await compute(session, start=now - timedelta(days=days), end=end, now=now)


async def compute(
    session: AsyncSession, *, start: datetime, end: datetime, now: datetime
) -> FaqStats:
    """Questions asked in ``[start, end)``, judged by what had happened by ``now``."""
    logs = (
        await session.execute(
            select(*_COLUMNS)
            .where(AnswerLog.asked_at >= start, AnswerLog.asked_at < end)
            .order_by(AnswerLog.asked_at, AnswerLog.id)
        )
    ).all()
    children: dict[int, list[_Log]] = {}
    for log in logs:
        if log.parent_id is not None:
            children.setdefault(log.parent_id, []).append(log)
    questions = [log for log in logs if log.parent_id is None]
    answered = escalated = repeated = settled = deflected = 0
    declined: list[_Log] = []
    for question in questions:
        thread = [question, *children.get(question.id, [])]
        if not any(log.answered for log in thread):
            declined.append(question)
            continue
        answered += 1
        went_to_human = any(_within(log, log.escalated_at) for log in thread)
        asked_again = any(_within(log, log.repeated_at) for log in thread)
        escalated += went_to_human
        repeated += asked_again
        if question.asked_at + FOLLOW_UP_WINDOW <= now:
            settled += 1
            deflected += not (went_to_human or asked_again)
    return FaqStats(
        start=start,
        end=end,
        asked=len(questions),
        answered=answered,
        declined=len(declined),
        helpful=sum(log.vote == "up" for log in logs),
        not_helpful=sum(log.vote == "down" for log in logs),
        escalated=escalated,
        repeated=repeated,
        settled=settled,
        deflected=deflected,
        unanswered=group_questions(
            ((log.question, log.locale) for log in reversed(declined[-_GROUPED_AT_MOST:])),
        ),
    )


def _within(log: _Log, followed_at: datetime | None) -> bool:
    return followed_at is not None and followed_at - log.asked_at <= FOLLOW_UP_WINDOW


def group_questions(
    questions: Iterable[tuple[str, str]], limit: int = TOP_UNANSWERED
) -> tuple[UnansweredGroup, ...]:
    """Most frequent first; each question joins the first group of its language whose
    wording it repeats.

    Questions come newest first, so a group is shown in its latest wording.
    """
    keys: dict[str, list[str]] = {}
    members: dict[str, list[list[str]]] = {}
    for text, locale in questions:
        key = comparable(text)
        locale_keys = keys.setdefault(locale, [])
        found = process.extractOne(
            key, locale_keys, scorer=fuzz.token_set_ratio, score_cutoff=SAME_QUESTION
        )
        if found is None:
            locale_keys.append(key)
            members.setdefault(locale, []).append([text])
        else:
            members[locale][found[2]].append(text)
    ranked = sorted(
        ((group, locale) for locale, groups in members.items() for group in groups),
        key=lambda item: -len(item[0]),
    )
    return tuple(UnansweredGroup(group[0], len(group), locale) for group, locale in ranked[:limit])
