"""Experiments as a community lives them: a win-back experiment with a holdout, and an
event reminder experiment, each member in one arm for good, exposures counted from what was
really sent, and the report a moderator reads."""

from __future__ import annotations

import re
from pathlib import Path

from core.markup import plain
from tests.scenario.conftest import Messages, RunScript
from tests.scenario.test_events_rsvp import EVENTS
from tests.unit.test_experiments import write_variants

PEOPLE = ["ada", "bob", "cy", "dee", "eve", "fay", "gus", "hal"]


def exposed(report: str, arm: str) -> int:
    found = re.search(rf"^- {arm}: (\d+) exposed", report, flags=re.MULTILINE)
    assert found, report
    return int(found.group(1))


def said(messages: Messages, key: str) -> str:
    (text,) = [plain(str(m["text"])) for m in messages if m["key"] == key]
    return text


async def test_win_back_with_a_holdout_sends_the_variant_or_nothing_and_reports_both(
    run_script: RunScript, tmp_path: Path
) -> None:
    folder = write_variants(
        tmp_path / "winback-copy",
        comeback=(
            "Your seat is still warm. {% include 'winback/message.j2' %}",
            "位置还给你留着。{% include 'winback/message.j2' %}",
        ),
    )
    asks = "".join(f"@as {p}\n/ask how do I reset my password?\n" for p in PEOPLE)
    messages = await run_script(
        asks
        + """
        @clock +31d
        @clock +2m
        @as ada
        @place #general
        I'm back!
        @clock +1d
        @as mod:maria
        @place dm
        /experiment report winback-copy
        /winback stats
        """,
        winback={"enabled": True},
        experiments=[
            {
                "name": "winback-copy",
                "message": "winback",
                "variants": ["comeback"],
                "holdout": 0.5,
                "folder": folder,
            }
        ],
    )
    sent = {
        str(m["to"]): plain(str(m["text"])) for m in messages if m["key"] == "experiments/variant"
    }
    assert sent, "someone got the variant"
    for text in sent.values():
        assert text.startswith("Your seat is still warm. We miss your questions here!"), text
    buttons = [m["buttons"] for m in messages if m["key"] == "experiments/variant"]
    assert all(b == ["🔕 Stop these"] for b in buttons), "the variant keeps the message's buttons"
    held = [p for p in PEOPLE if p not in sent]
    assert held, "with half held out, someone got nothing"
    assert not [m for m in messages if m["key"] == "winback/message"], "no one got the original"
    report = said(messages, "experiments/report")
    assert exposed(report, "comeback") == len(sent)
    assert exposed(report, "holdout") == len(held)
    assert "lift over the holdout" in report
    assert "Not enough data yet" in report


async def test_an_event_reminder_experiment_keeps_each_member_in_one_arm(
    run_script: RunScript, tmp_path: Path
) -> None:
    folder = write_variants(
        tmp_path / "reminder-copy",
        short=("⏰ {{ event.ref }} soon: see you there!", "⏰ {{ event.ref }} 快开始了：到时见！"),
    )
    going = "".join(f"@as {p}\n@press Going\n" for p in PEOPLE)
    messages = await run_script(
        """
        @as mod:ana
        /event create meetup Drinks | 2026-11-26 18:00 | at Café X | in Europe/Berlin
        @place #events
        """
        + going
        + """
        @clock 2026-11-25T17:01Z
        @clock +2m
        @clock 2026-11-26T16:31Z
        @clock +2m
        @as mod:ana
        @place dm
        /experiment report reminder-copy
        """,
        experiments=[
            {
                "name": "reminder-copy",
                "message": "event_reminder",
                "variants": ["original", "short"],
                "folder": folder,
            }
        ],
        **EVENTS,
    )
    got: dict[str, set[str]] = {}
    for m in messages:
        if m["key"] in ("events/reminder", "experiments/variant"):
            got.setdefault(str(m["to"]), set()).add(
                "short" if "see you there" in str(m["text"]) else "original"
            )
    assert sorted(got) == sorted(PEOPLE), "everyone going is reminded (no holdout)"
    assert all(len(arms) == 1 for arms in got.values()), got
    shorts = sum(arms == {"short"} for arms in got.values())
    assert 0 < shorts < len(PEOPLE)
    report = said(messages, "experiments/report")
    assert exposed(report, "short") == shorts
    assert exposed(report, "original") == len(PEOPLE) - shorts
