"""/stats as moderators use it, on a history replayed from the past (a first @clock that
goes back), in English and in Chinese."""

from __future__ import annotations

from tests.scenario.conftest import RunScript

HISTORY = """
@clock 2026-10-01T09:00Z
@place #general
@join ann
@as ann
hello all
@join bob
@as bob
hi
@clock +1d
@as ann
still here
@clock +6d
@as ann
a week later
@clock +1d
@as mod:mo
"""


async def test_stats_show_targets_sparklines_and_a_chart(run_script: RunScript) -> None:
    messages = await run_script(HISTORY + "/stats 30d\n", kpis={"dau": 2})
    (stats,) = [m for m in messages if m["key"] == "analytics/stats"]
    assert stats["attachments"] == ["stats.png"]
    assert "Daily active (average)" in stats["text"]
    assert "target 2" in stats["text"]
    assert any(spark in stats["text"] for spark in "▁▂▃▅▇")


async def test_retention_is_a_table_and_a_heatmap(run_script: RunScript) -> None:
    messages = await run_script(HISTORY + "/stats retention\n")
    (table,) = [m for m in messages if m["key"] == "analytics/retention"]
    assert table["attachments"] == ["retention.png"]
    cohort = next(line for line in table["text"].splitlines() if line.startswith("10-01"))
    assert cohort.split()[1:4] == ["2", "50%", "50%"], "ann came back on day 1 and day 7"


async def test_funnel_keeps_shares_and_speaks_chinese(run_script: RunScript) -> None:
    messages = await run_script(HISTORY + "/language zh-CN\n/stats funnel\n")
    (funnel,) = [m for m in messages if m["key"] == "analytics/funnel"]
    lines = funnel["text"].splitlines()
    assert lines[1] == "1. 加入: 3", "the moderator's first command made them a member too"
    assert lines[2] == "2. 发了第一条消息: 2 (上一步的 67%)"
