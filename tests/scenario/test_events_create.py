"""Creating events as organisers live it: the answer repeats the start in words, a mistake
is refused with an example and saves nothing, and each organiser's zone is theirs."""

from __future__ import annotations

from tests.scenario.conftest import RunScript

ORGANISERS = {"events": {"organisers": ["console:olga"]}}


async def test_the_answer_names_the_event_and_repeats_the_start_in_words(
    run_script: RunScript,
) -> None:
    messages = await run_script(
        """
        @as mod:ana
        /event create meetup Berlin drinks | tomorrow 18:00 | in Europe/Berlin | cap 30 | 2h
        /event create 见面会 线下聚会 | 明天晚上8点 | in 上海
        """
    )
    first, second = (m["text"] for m in messages)
    assert "E-1" in first and "Tuesday 24 November 2026 at 18:00 (Europe/Berlin)" in first
    assert "2 h" in first and "30" in first
    assert "E-2" in second and "2026年11月24日（周二）20:00（Asia/Shanghai）" in second


async def test_mistakes_are_refused_with_an_example_and_nothing_is_saved(
    run_script: RunScript,
) -> None:
    messages = await run_script(
        """
        @as mod:ana
        /event create meetup Drinks | 2026-11-01 18:00
        /event create meetup Drinks | tomorrow 18:00 | in Berln
        /event create meetup Drinks | sometime soonish
        /event create meetup Drinks | tomorrow 18:00 | cap 0
        /event create meetup Drinks | tomorrow 18:00
        """
    )
    refusals, created = [m["text"] for m in messages[:4]], messages[4]["text"]
    assert "in the past" in refusals[0]
    assert "Europe/Berlin" in refusals[1], "the closest zone is suggested"
    assert "can't read" in refusals[2]
    assert "at least 1" in refusals[3]
    assert all("Nothing was saved" in r and "/event create meetup" in r for r in refusals)
    assert "E-1" in created, "no refused event took a number"


async def test_organisers_are_moderators_and_listed_accounts(run_script: RunScript) -> None:
    messages = await run_script(
        """
        @as bob
        /event create webinar Intro | tomorrow 10:00
        @as olga
        /event create webinar Intro | tomorrow 10:00
        """,
        **ORGANISERS,
    )
    assert "Only moderators and organisers" in messages[0]["text"]
    assert "E-1 is created" in messages[1]["text"]


async def test_a_members_time_zone_reads_their_starts(run_script: RunScript) -> None:
    messages = await run_script(
        """
        @as olga
        /settings timezone Tokio
        /settings timezone new york
        /event create webinar Intro | 2026-12-01 10:00
        """,
        **ORGANISERS,
    )
    assert "Asia/Tokyo" in messages[0]["text"], "a wrong zone gets the closest names"
    assert "America/New_York" in messages[1]["text"]
    assert "Tuesday 1 December 2026 at 10:00 (America/New_York)" in messages[2]["text"]
