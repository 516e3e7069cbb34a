"""The figures behind /faq stats and the digest: what counts as deflected, and when."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from bot.app import App
from core.clock import ManualClock
from core.events import Actor, Platform
from core.features.faq import learning, stats
from core.features.faq.models import AnswerLog
from core.members import service as members

DAY = timedelta(hours=24)


@pytest.fixture
async def member_id(app: App, clock: ManualClock) -> int:
    async with app.services.database.session() as session:
        member = await members.resolve(session, Actor(Platform.TELEGRAM, "7", "ann"), clock.now())
        await session.commit()
        return member.id


async def _add(app: App, **fields: object) -> AnswerLog:
    row: dict[str, object] = {
        "question": "how do I reset my password",
        "locale": "en",
        "entry_id": "reset-password",
        "score": 0.9,
        "answered": True,
        "platform": "telegram",
        "suggestions": [],
    }
    row.update(fields)
    async with app.services.database.session() as session:
        log = AnswerLog(**row)
        session.add(log)
        await session.commit()
        return log


async def _stats(app: App, start: datetime, now: datetime) -> stats.FaqStats:
    async with app.services.database.session() as session:
        return await stats.compute(session, start=start, end=now, now=now)


@pytest.mark.parametrize(
    ("after", "deflected"),
    [(DAY - timedelta(minutes=1), 0), (DAY, 0), (DAY + timedelta(minutes=1), 1)],
)
async def test_an_escalation_counts_up_to_exactly_a_day_after_the_answer(
    app: App, clock: ManualClock, member_id: int, after: timedelta, deflected: int
) -> None:
    asked = clock.now()
    await _add(app, member_id=member_id, asked_at=asked, escalated_at=asked + after)
    figures = await _stats(app, asked, asked + 2 * DAY)
    assert (figures.settled, figures.deflected, figures.escalated) == (1, deflected, 1 - deflected)
    assert figures.deflection_rate == deflected


async def test_an_answer_is_judged_only_once_its_day_is_over(
    app: App, clock: ManualClock, member_id: int
) -> None:
    asked = clock.now()
    await _add(app, member_id=member_id, asked_at=asked)
    almost = await _stats(app, asked, asked + DAY - timedelta(seconds=1))
    assert (almost.answered, almost.settled, almost.still_open) == (1, 0, 1)
    assert almost.deflection_rate is None
    settled = await _stats(app, asked, asked + DAY)
    assert (settled.settled, settled.deflected, settled.deflection_rate) == (1, 1, 1.0)


@pytest.mark.parametrize(("after", "repeated"), [(DAY, True), (DAY + timedelta(seconds=1), False)])
async def test_asking_the_same_again_within_a_day_is_a_repeat(
    app: App, clock: ManualClock, member_id: int, after: timedelta, repeated: bool
) -> None:
    first = await _add(app, member_id=member_id, asked_at=clock.now())
    again = await _add(
        app,
        member_id=member_id,
        asked_at=clock.now() + after,
        question="how can I reset my password?",
    )
    async with app.services.database.session() as session:
        later = await session.get_one(AnswerLog, again.id)
        await learning.record_repeat(session, later, "reset-password")
        await session.commit()
        marked = await session.get_one(AnswerLog, first.id)
        assert (marked.repeated_at is not None) is repeated
    figures = await _stats(app, clock.now(), clock.now() + 3 * DAY)
    assert (figures.asked, figures.repeated, figures.deflected) == (2, int(repeated), 2 - repeated)


async def test_a_question_on_another_topic_is_not_a_repeat(
    app: App, clock: ManualClock, member_id: int
) -> None:
    first = await _add(app, member_id=member_id, asked_at=clock.now())
    other = await _add(
        app,
        member_id=member_id,
        asked_at=clock.now() + timedelta(hours=1),
        question="when is the next community call",
        entry_id="events-rsvp",
    )
    async with app.services.database.session() as session:
        await learning.record_repeat(session, await session.get_one(AnswerLog, other.id), "events")
        await session.commit()
        assert (await session.get_one(AnswerLog, first.id)).repeated_at is None


async def test_a_picked_topic_answers_its_question_once(
    app: App, clock: ManualClock, member_id: int
) -> None:
    asked = clock.now()
    declined = await _add(
        app, member_id=member_id, asked_at=asked, answered=False, entry_id=None, score=0.2
    )
    await _add(app, member_id=member_id, asked_at=asked, parent_id=declined.id, vote="up")
    await _add(app, member_id=member_id, asked_at=asked, answered=False, entry_id=None, score=0.1)
    figures = await _stats(app, asked, asked + DAY)
    assert (figures.asked, figures.answered, figures.declined) == (3 - 1, 1, 1)
    assert (figures.helpful, figures.deflected) == (1, 1)
    assert [g.count for g in figures.unanswered] == [1]


def test_unanswered_questions_group_by_wording_and_language_most_frequent_first() -> None:
    groups = stats.group_questions(
        [
            ("How do I change my avatar?", "en"),
            ("when is the next meetup", "en"),
            ("how do i change my avatar", "en"),
            ("how to change avatar", "en"),
            ("怎么换头像", "zh-CN"),
            ("怎么换头像？", "zh-CN"),
        ]
    )
    assert [(g.question, g.count, g.locale) for g in groups] == [
        ("How do I change my avatar?", 3, "en"),
        ("怎么换头像", 2, "zh-CN"),
        ("when is the next meetup", 1, "en"),
    ]
