"""``townhall stats --json`` agrees exactly with a count written straight from the raw
events, on a synthetic community of 90 days fed through the router (joins, lapses, returns,
late deliveries, questions), counted in Shanghai's calendar days and rolled up in two
passes. The bench (``benchmarks/stats_bench.py``) runs the same with thousands of members."""

from __future__ import annotations

import asyncio
import json
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest

from tests.conftest import make_settings
from tests.stats_agreement import compare, feed, reference_of

MEMBERS = 80
ZONE = "Asia/Shanghai"


def test_stats_json_agrees_with_an_independent_count(
    database_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from bot.cli import main

    today = datetime.now(UTC).date()
    start = datetime.combine(today - timedelta(days=95), datetime.min.time(), UTC)
    settings = make_settings(database_url, locale={"timezone": ZONE})
    asyncio.run(feed(settings, MEMBERS, start))
    config = tmp_path / "config.toml"
    config.write_text(
        f'[database]\nurl = "{database_url}"\n[locale]\ntimezone = "{ZONE}"\n', encoding="utf-8"
    )
    first, last = (start + timedelta(days=20)).date(), today - timedelta(days=3)
    argv = ["stats", "--config", str(config), "--json", "--from", str(first), "--to", str(last)]
    main(argv)
    printed = json.loads(capsys.readouterr().out)
    expected = asyncio.run(reference_of(settings, ZONE, first, last, _today(ZONE)))
    assert sum(expected["new_members"].values()) > MEMBERS // 2, "the window holds most joins"
    assert any(c["d7"] for c in expected["retention"].values()), "some come back a week later"
    assert expected["funnel"][2]["members"] > 0, "some had a question answered"
    assert compare(printed, expected) == []


def _today(zone: str) -> date:
    from zoneinfo import ZoneInfo

    return datetime.now(ZoneInfo(zone)).date()
