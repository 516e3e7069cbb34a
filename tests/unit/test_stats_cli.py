"""``townhall stats --json`` and ``townhall stats export``: the documented keys, from the
activity log the bot wrote, after bringing the rollups up to date."""

from __future__ import annotations

import asyncio
import csv
import json
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import insert

from bot.cli import main
from core.activity import ActivityEvent
from core.db.engine import Database


async def _history(url: str) -> None:
    database = Database(url)
    rows = [
        (1, "member_joined", datetime(2026, 11, 1, 8, tzinfo=UTC)),
        (1, "message", datetime(2026, 11, 1, 9, tzinfo=UTC)),
        (1, "message", datetime(2026, 11, 2, 9, tzinfo=UTC)),
        (2, "command", datetime(2026, 11, 1, 23, tzinfo=UTC)),
        (2, "reaction", datetime(2026, 11, 8, 9, tzinfo=UTC)),
    ]
    async with database.session() as session:
        await session.execute(
            insert(ActivityEvent),
            [
                {
                    "member_id": member,
                    "platform": "discord",
                    "place_id": "c",
                    "place_kind": "channel",
                    "kind": kind,
                    "feature": "none",
                    "at": at,
                }
                for member, kind, at in rows
            ],
        )
        await session.commit()
    await database.dispose()


def test_json_has_each_day_and_each_cohort(
    database_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    config = tmp_path / "config.toml"
    config.write_text(f'[database]\nurl = "{database_url}"\n', encoding="utf-8")
    asyncio.run(_history(database_url))
    main(["stats", "--config", str(config), "--json", "--from", "2026-11-01", "--to", "2026-11-03"])
    report = json.loads(capsys.readouterr().out)
    assert report["dau"] == {"2026-11-01": 2, "2026-11-02": 1, "2026-11-03": 0}
    assert report["wau"]["2026-11-03"] == 2
    assert report["mau"]["2026-11-03"] == 2
    assert report["new_members"] == {"2026-11-01": 2, "2026-11-02": 0, "2026-11-03": 0}
    assert report["retention"] == {"2026-11-01": {"size": 2, "d1": 0.5, "d7": None, "d30": None}}, (
        "day 7 and day 30 fall after --to"
    )
    assert report["platforms"]["discord"]["dau"]["2026-11-01"] == 2
    assert report["kpis"]["new_members"]["value"] == 2

    out = tmp_path / "series.csv"
    main(
        [
            "stats",
            "--config",
            str(config),
            "export",
            "--out",
            str(out),
            "--from",
            "2026-11-01",
            "--to",
            "2026-11-02",
        ]
    )
    rows = list(csv.DictReader(out.open(encoding="utf-8")))
    assert [(r["day"], r["platform"], r["dau"]) for r in rows] == [
        ("2026-11-01", "all", "2"),
        ("2026-11-01", "discord", "2"),
        ("2026-11-02", "all", "1"),
        ("2026-11-02", "discord", "1"),
    ]
