"""A bare /event create asks step by step in a DM, in the organiser's language: a date it
cannot read is explained and asked again, and cancel or half an hour of silence ends it."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.ext.asyncio import create_async_engine

from core.features.events.models import Event, EventDraft
from tests.scenario.conftest import RunScript


async def _events(database_url: str) -> list[tuple[str, str, str | None, int | None]]:
    engine = create_async_engine(database_url)
    async with engine.connect() as connection:
        rows = await connection.execute(
            select(Event.kind, Event.title, Event.location, Event.capacity).order_by(Event.id)
        )
        found = [tuple(row) for row in rows]
        drafts = (await connection.execute(select(EventDraft.member_id))).all()
    await engine.dispose()
    assert not drafts, "a finished or ended exchange leaves no draft behind"
    return found  # type: ignore[return-value]


async def test_an_event_is_created_step_by_step_and_a_bad_date_is_asked_again(
    run_script: RunScript, database_url: str
) -> None:
    messages = await run_script(
        """
        @as mod:ana
        /event create
        @press Meetup
        Berlin drinks
        sometime soonish
        2026-11-01 18:00
        tomorrow 18:00
        Café Kreuzberg
        lots
        30
        """
    )
    keys = [m["key"] for m in messages]
    assert keys == ["events/draft_ask"] * 8 + ["events/created"]
    kinds, title, start, bad, past, place, capacity, bad_cap = (m["text"] for m in messages[:8])
    assert messages[0]["buttons"][:6] == [
        "Webinar",
        "AMA",
        "Challenge",
        "Meetup",
        "Conference",
        "Workshop",
    ]
    assert "What kind is it?" in kinds and "What is its title?" in title
    assert "When does it start?" in start and "(UTC)" in start
    assert "I can't read “sometime soonish” as a date and time." in bad
    assert "When does it start?" in bad and "tomorrow 18:00" in bad, "asked again, with examples"
    assert "“2026-11-01 18:00” is in the past." in past
    assert "Where is it?" in place and messages[5]["buttons"] == ["Skip", "✖ Cancel"]
    assert "How many people can come?" in capacity
    assert "“lots” is not a whole number of at least 1." in bad_cap
    created = messages[8]["text"]
    assert "E-1 is created" in created and "Tuesday 24 November 2026 at 18:00" in created
    assert await _events(database_url) == [("meetup", "Berlin drinks", "Café Kreuzberg", 30)]


async def test_a_chinese_organiser_is_asked_in_chinese_and_may_skip_place_and_capacity(
    run_script: RunScript, database_url: str
) -> None:
    messages = await run_script(
        """
        @as mod:li
        /language zh-cn
        /event create
        工作坊
        线上分享会
        改天吧
        明天晚上8点
        @press 跳过
        @press 跳过
        """
    )
    asked = [str(m["text"]) for m in messages[1:]]
    assert "它是什么类型？" in asked[0]
    assert "活动标题是什么？" in asked[1]
    assert "什么时候开始？" in asked[2]
    assert "我看不懂“改天吧”是哪天几点。" in asked[3] and "什么时候开始？" in asked[3]
    assert "在哪里举行？" in asked[4] and "最多能来多少人？" in asked[5]
    assert "E-1" in asked[6] and "2026年11月24日（周二）20:00" in asked[6]
    assert await _events(database_url) == [("workshop", "线上分享会", None, None)]


async def test_cancel_or_half_an_hour_of_silence_saves_nothing(
    run_script: RunScript, database_url: str
) -> None:
    messages = await run_script(
        """
        @as mod:ana
        /event create
        @press Webinar
        cancel
        Intro to the API
        /event create
        @press Webinar
        @clock +31m
        Intro to the API
        """
    )
    keys = [m["key"] for m in messages]
    assert keys[:3] == ["events/draft_ask", "events/draft_ask", "events/draft_cancelled"]
    assert "nothing was saved" in str(messages[2]["text"])
    assert keys[3] == "faq/declined", "after cancel the message is a question again"
    assert keys[4:6] == ["events/draft_ask", "events/draft_ask"]
    assert keys[6:] == ["faq/declined"], "after the silence too"
    assert await _events(database_url) == []


async def test_members_who_may_not_organise_are_not_asked(run_script: RunScript) -> None:
    messages = await run_script(
        """
        @as bob
        /event create
        """
    )
    assert [m["key"] for m in messages] == ["events/not_organiser"]
