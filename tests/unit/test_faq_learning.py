"""What other features report to the knowledge base: suggestions and escalations."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from bot.app import App
from core.clock import ManualClock
from core.events import Actor, Platform
from core.features.faq import learning, review
from core.features.faq.models import AnswerLog, Suggestion
from core.features.faq.service import FaqService
from core.members import service as members


async def test_a_ticket_proposed_twice_is_one_suggestion(app: App, clock: ManualClock) -> None:
    async with app.services.database.session() as session:
        first = await learning.propose(
            session,
            question="the app crashes on start",
            answer="Update to 2.3",
            locale="en",
            source="ticket",
            source_ref="T-1",
            now=clock.now(),
        )
        again = await learning.propose(
            session,
            question="the app crashes on start",
            locale="en",
            source="ticket",
            source_ref="T-1",
            now=clock.now(),
        )
        await session.commit()
        assert again.id == first.id
        assert await session.scalar(select(func.count(Suggestion.id))) == 1


async def _log(app: App, member_id: int, asked_hours_ago: float, clock: ManualClock) -> int:
    async with app.services.database.session() as session:
        log = AnswerLog(
            member_id=member_id,
            question="q",
            locale="en",
            entry_id="e",
            score=0.9,
            answered=True,
            platform="telegram",
            asked_at=clock.now() - timedelta(hours=asked_hours_ago),
            suggestions=[],
        )
        session.add(log)
        await session.commit()
        return log.id


async def test_escalation_marks_only_the_latest_answer_of_the_last_day(
    app: App, clock: ManualClock
) -> None:
    async with app.services.database.session() as session:
        member = await members.resolve(session, Actor(Platform.TELEGRAM, "1", "ann"), clock.now())
        await session.commit()
    older = await _log(app, member.id, 5, clock)
    latest = await _log(app, member.id, 1, clock)
    async with app.services.database.session() as session:
        await learning.record_escalation(session, member.id, clock.now())
        await session.commit()
        escalated = {
            log.id: log.escalated_at is not None for log in await session.scalars(select(AnswerLog))
        }
    assert escalated == {older: False, latest: True}


async def test_an_answer_older_than_a_day_is_not_blamed(app: App, clock: ManualClock) -> None:
    async with app.services.database.session() as session:
        member = await members.resolve(session, Actor(Platform.TELEGRAM, "2", "bo"), clock.now())
        await session.commit()
    await _log(app, member.id, 30, clock)
    async with app.services.database.session() as session:
        await learning.record_escalation(session, member.id, clock.now())
        await session.commit()
        assert await session.scalar(select(AnswerLog.escalated_at)) is None


async def test_a_ticket_suggestion_accepted_becomes_an_entry_indexed_once(
    app: App, clock: ManualClock
) -> None:
    faq = app.services.get(FaqService)
    async with app.services.database.session() as session:
        moderator = await members.resolve(session, Actor(Platform.TELEGRAM, "9", "mo"), clock.now())
        suggestion = await learning.propose(
            session,
            question="the desktop app shows a blank window",
            answer="Turn off hardware acceleration in Settings.",
            locale="en",
            source="ticket",
            source_ref="T-7",
            now=clock.now(),
        )
        await session.commit()
        first = await review.decide(
            session, faq, suggestion.id, accept=True, moderator_id=moderator.id, now=clock.now()
        )
        await session.commit()
        second = await review.decide(
            session, faq, suggestion.id, accept=False, moderator_id=moderator.id, now=clock.now()
        )
    assert (first.outcome, second.outcome) == (review.Outcome.DONE, review.Outcome.ALREADY)
    assert second.suggestion is not None and second.suggestion.status == "accepted"
    assert second.entry is None, "the handler re-indexes only when an entry was saved"
    await faq.reload()
    result, _ = await faq.search("the desktop app shows a blank window")
    assert first.entry is not None and result.best is not None
    assert result.best.entry_id.endswith(first.entry.id)
    assert faq.find(first.entry.id, "en") == first.entry


@pytest.mark.parametrize(
    ("answer", "for_member"),
    [
        ("See #link-accounts for the steps.", "See link-accounts for the steps."),
        ("见#怎么修改头像 里的步骤", "见怎么修改头像 里的步骤"),
        ("Issue #12 is fixed", "Issue 12 is fixed"),
    ],
)
def test_entry_pointers_in_either_language_are_unmarked_for_the_member(
    answer: str, for_member: str
) -> None:
    assert review.without_pointers(answer) == for_member
