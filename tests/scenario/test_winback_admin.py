"""Moderators running win-back: /winback stats, /winback preview NAME, pause and resume."""

from __future__ import annotations

from core.markup import plain
from tests.scenario.conftest import Messages, RunScript

ON = {"winback": {"enabled": True}}


def said(messages: Messages, key: str) -> list[str]:
    return [plain(str(m["text"])) for m in messages if m["key"] == key]


async def test_stats_count_sent_converted_and_opt_outs(run_script: RunScript) -> None:
    messages = await run_script(
        """
        @as ada
        /ask how do I reset my password?
        @as bob
        /ask how do I reset my password?
        @as cai
        /ask how do I reset my password?
        @clock +31d
        @as cai
        @press Stop these
        @clock +2d
        @as ada
        /ask how do I change my email?
        @clock +10d
        @as mod:maria
        /winback stats
        /winback stats 1
        """,
        **ON,
    )
    month, day = said(messages, "winback/stats")
    assert "Sent: 3" in month
    assert "Converted (active within 7 days): 1, a rate of 33.3%" in month, month
    assert "Lift over the holdout: not measured" in month
    assert "Opt-outs (🔕 Stop these): 1" in month
    assert "Sent: 0" in day and "Opt-outs (🔕 Stop these): 0" in day


async def test_preview_says_what_a_member_would_get_and_why_not(run_script: RunScript) -> None:
    messages = await run_script(
        """
        @as ada
        /ask how do I reset my password?
        @as dan
        @place #general
        hello
        @as mod:maria
        @place dm
        /winback preview ada
        /winback preview dan
        @clock +30d
        /winback preview ada
        @clock +1d
        /winback preview ada
        """,
        **ON,
    )
    young, dan, ready, sent = said(messages, "winback/preview")
    assert "last active 0 days ago; win-back writes after 30 days" in young
    assert "they have never written to the bot privately" in dan
    assert "last active" in dan
    assert ready.startswith(
        "ada would get this on Console at 2026-12-24 09:00 (UTC), built from the feature they"
        " used last: questions. They are most often active at 9:00 UTC."
    ), ready
    assert "We miss your questions here!" in ready and "Buttons: 🔕 Stop these" in ready
    (message,) = said(messages, "winback/message")
    assert message in ready, "the preview is the message itself"
    assert "their last win-back message was on 2026-12-24; the next may go from 2027-01-23" in sent


async def test_pause_stops_sending_until_resume_and_only_moderators_may(
    run_script: RunScript,
) -> None:
    messages = await run_script(
        """
        @as ada
        /ask how do I reset my password?
        /winback pause
        @as mod:maria
        /winback pause
        @clock +31d
        @clock +2d
        /winback resume
        @clock +1d
        """,
        **ON,
    )
    assert len(said(messages, "core/forbidden")) == 1, "ada is no moderator"
    paused, resumed = said(messages, "winback/paused")
    assert paused.startswith("Win-back is paused") and resumed == "Win-back resumed."
    (message,) = [m for m in messages if m["key"] == "winback/message"]
    assert messages.index(message) > messages.index(
        next(m for m in messages if m["key"] == "winback/paused" and "resumed" in str(m["text"]))
    )


async def test_an_experiment_holds_members_out_and_stats_measure_the_lift(
    run_script: RunScript,
) -> None:
    names = [f"m{n}" for n in range(12)]
    asked = "\n".join(f"@as {name}\n/ask how do I reset my password?" for name in names)
    messages = await run_script(
        f"""
        {asked}
        @clock +31d
        @clock +1h
        @as m0
        hello again
        @as m1
        hello again
        @as m2
        hello again
        @clock +10d
        @as mod:maria
        /winback stats
        """.replace("\n        ", "\n"),
        experiments=[
            {
                "name": "winback-holdout",
                "message": "winback",
                "variants": ["original"],
                "holdout": 0.5,
            }
        ],
        **ON,
    )
    sent = {m["to"] for m in messages if m["key"] == "winback/message"}
    held = set(names) - sent
    assert sent and held, "the hash splits twelve members both ways"
    (stats,) = said(messages, "winback/stats")
    assert f"Sent: {len(sent)}" in stats
    assert f"Holdout: {len(held)} sent nothing" in stats, stats
    # m0 and m2 were written to and came back, m1 came back unasked: 2 of 6 against 1 of 6.
    assert sorted(sent) == ["m0", "m2", "m5", "m6", "m7", "m9"]
    assert "Converted (active within 7 days): 2, a rate of 33.3%" in stats
    assert "Holdout: 6 sent nothing, 1 came back anyway (16.7%)" in stats
    assert "Lift over the holdout: +16.7 points" in stats
