"""The founder's digest on a moved clock: at 08:00 where each founder is, once a day, in their
language, with its chart; across a restart; with an anomaly; and on demand."""

from __future__ import annotations

import io
import textwrap

from adapters.console.adapter import Transcript
from bot.console import run_console
from tests.conftest import START, make_settings
from tests.scenario.conftest import Messages, RunScript

FOUNDERS = {"roles": {"founders": ["console:fiona", "console:frank"]}}
SETUP = """
    @as founder:fiona
    /language zh-CN
    /settings timezone Asia/Shanghai
    @as founder:frank
    /settings timezone America/New_York
    @as ana
    /help
"""


def digests(messages: Messages, to: str) -> list[dict[str, object]]:
    return [m for m in messages if m["to"] == to and m["key"] == "digest/digest"]


async def test_each_founder_gets_one_digest_at_eight_in_their_own_zone(
    run_script: RunScript,
) -> None:
    # START is Monday 23 November 09:00 UTC: 17:00 in Shanghai, 04:00 in New York.
    steps = [
        "2026-11-23T12:55Z",  # 07:55 in New York; Shanghai's 08:00 passed: it goes now
        "2026-11-23T13:05Z",  # 08:05 in New York
        "2026-11-23T23:55Z",  # Tuesday 07:55 in Shanghai
        "2026-11-24T00:05Z",  # Tuesday 08:05 in Shanghai
        "2026-11-24T06:00Z",
        "2026-11-24T13:05Z",  # Tuesday 08:05 in New York
    ]
    script = SETUP + "".join(f"@clock {when}\n@as ana\n/help\n" for when in steps)
    messages = await run_script(script, **FOUNDERS)
    after = _by_step(messages)
    assert [len(digests(m, "fiona")) for m in after] == [1, 0, 0, 1, 0, 0]
    assert [len(digests(m, "frank")) for m in after] == [0, 1, 0, 0, 0, 1]
    frank = digests(messages, "frank")
    fiona = digests(messages, "fiona")
    assert str(frank[0]["text"]).startswith("Your daily digest: Sunday 22 November")
    assert str(frank[1]["text"]).startswith("Your daily digest: Monday 23 November")
    assert "Daily active members: 3 · ▲ 3 vs last Monday" in str(frank[1]["text"])
    assert str(fiona[1]["text"]).startswith("每日简报：11月23日（周一）")
    assert "每日活跃成员：3 · ▲ 3 对比上周一" in str(fiona[1]["text"])
    assert all(m["attachments"] == ["digest.png"] for m in [*frank, *fiona])


def _by_step(messages: Messages) -> list[Messages]:
    """The messages between one ``@as ana /help`` marker and the next."""
    steps: list[Messages] = [[]]
    for message in messages:
        if message["to"] == "ana":
            steps.append([])
        else:
            steps[-1].append(message)
    return steps[1:-1]


async def test_a_restart_sends_no_second_digest_the_same_day(database_url: str) -> None:
    async def run(script: str) -> Messages:
        transcript = Transcript(io.StringIO(), as_json=True)
        code = await run_console(
            make_settings(database_url, **FOUNDERS),
            io.StringIO(textwrap.dedent(script)),
            interactive=False,
            transcript=transcript,
            start=START,
        )
        assert code == 0
        return transcript.messages

    first = await run(SETUP + "@clock 2026-11-23T13:05Z\n")
    again = await run("@clock 2026-11-23T13:10Z\n@clock 2026-11-23T20:00Z\n")
    next_day = await run("@clock 2026-11-24T13:01Z\n")
    assert [len(digests(m, "frank")) for m in (first, again, next_day)] == [1, 0, 1]


async def test_a_doubled_day_is_flagged_with_its_usual_weekday(run_script: RunScript) -> None:
    days = []
    for day in range(30):
        speakers = 12 if day == 29 else 4
        days += [f"@as m{n}\n/help" for n in range(speakers)] + ["@clock +1d"]
    script = "\n".join(days) + "\n@as founder:frank\n/digest now\n"
    messages = await run_script(script, digest={"anomaly_min_count": 3}, **FOUNDERS)
    (digest,) = digests(messages, "frank")
    assert "⚠️ Daily active members tripled: 12 vs about 4 on a usual Tuesday" in str(digest["text"])
    assert "Daily active members: 12 · ▲ 8 vs last Tuesday" in str(digest["text"])
    assert "Active ▁▁▁▁" in str(digest["text"]) and str(digest["text"]).rstrip().endswith("█")


async def test_digest_now_is_for_founders_only(run_script: RunScript) -> None:
    messages = await run_script(
        """
        @as ana
        /digest now
        @as founder:frank
        /digest now
        /digest weekly on
        @clock 2026-11-24T13:05Z
        @clock 2026-11-30T13:05Z
        """,
        **FOUNDERS,
    )
    assert digests(messages, "ana") == []
    now, monday = digests(messages, "frank")
    assert str(now["text"]).startswith("Your daily digest: Sunday 22 November")
    assert now["attachments"] == ["digest.png"]
    assert str(monday["text"]).startswith("Your week: Monday 23 November to Sunday 29 November")
    weekly = [m for m in messages if m["key"] == "digest/weekly"]
    assert "Mondays at 8:00 (UTC)" in str(weekly[0]["text"])
