"""A weekly series across the spring daylight-saving change in Europe/Berlin: each
occurrence is posted a week ahead at 19:00 local (18:00 UTC before the change, 17:00 after),
and "/event cancel E-N all" stops it."""

from __future__ import annotations

from tests.scenario.conftest import RunScript
from tests.scenario.test_events_rsvp import EVENTS, cards, said_to


async def test_a_weekly_series_keeps_its_local_time_across_dst(run_script: RunScript) -> None:
    messages = await run_script(
        """
        @as mod:ana
        /event create meetup Stammtisch | 2027-03-16 19:00 | weekly | in Europe/Berlin
        @clock 2027-03-10T00:00Z
        @clock 2027-03-16T18:30Z
        @clock 2027-03-16T18:40Z
        @clock 2027-03-23T18:30Z
        @as mod:ana
        /event cancel E-3 all
        @clock 2027-04-10T00:00Z
        """,
        **EVENTS,
    )
    posted = [c for c in cards(messages) if "Going 0 ·" in c and len(c.splitlines()) == 3]
    refs = list(dict.fromkeys(c.split(" · ")[0] for c in posted))
    assert refs == ["📅 E-1", "📅 E-2", "📅 E-3"], "one post per occurrence, a week ahead"
    assert "Tuesday 23 March 2027 at 19:00 (Europe/Berlin)" in posted[1]
    assert "20270323T180000Z" in posted[1]
    assert "Tuesday 30 March 2027 at 19:00 (Europe/Berlin)" in posted[2]
    assert "20270330T170000Z" in posted[2], "an hour earlier in UTC after the change"
    assert "E-3 is cancelled" in said_to(messages, "ana")[-1], "E-2 had started already"
    assert any("❌ Cancelled." in c and c.startswith("📅 E-3") for c in cards(messages))


async def test_a_monthly_series_posts_each_month_a_week_ahead(run_script: RunScript) -> None:
    messages = await run_script(
        """
        @as mod:ana
        /event create webinar Monthly AMA | 2027-01-15 18:00 | monthly | in Europe/Berlin
        @clock 2027-01-15T18:30Z
        @clock 2027-02-07T00:00Z
        @clock 2027-02-09T00:00Z
        @clock 2027-03-09T00:00Z
        """,
        **EVENTS,
    )
    posted = [c for c in cards(messages) if "Going 0 ·" in c and len(c.splitlines()) == 3]
    refs = list(dict.fromkeys(c.split(" · ")[0] for c in posted))
    assert refs == ["📅 E-1", "📅 E-2", "📅 E-3"], "one post per occurrence, each month"
    assert "Monday 15 February 2027 at 18:00 (Europe/Berlin)" in posted[1]
    assert "Monday 15 March 2027 at 18:00 (Europe/Berlin)" in posted[2]
