"""The win-back sweep killed (SIGKILL) while making its messages and just after its commit,
then run again: each member gets exactly one message that cycle."""

from __future__ import annotations

from collections import Counter
from datetime import timedelta
from pathlib import Path

from sqlalchemy import func, select

from bot.app import build_app
from core.clock import ManualClock
from core.features.winback.models import WinbackMessage
from core.outbox import OutboxMessage
from tests.conftest import START, make_settings
from tests.scenario.crash import crash_database, deliver_all, run_child, seed, telegram_member
from tests.scenario.winback_child import ON

DUE = START.replace(hour=10, minute=30) + timedelta(days=1)
"""Tuesday 10:30 UTC: the 10:00 cycle has started."""
AWAY = {"101": "UTC", "102": "Europe/Berlin", "103": "Asia/Tokyo"}
"""Three members last seen 40 days ago, each in a zone where 10:30 UTC is not quiet."""


def _run_child(url: str, knowledge: Path, mode: str) -> int:
    return run_child("tests.scenario.winback_child", url, str(knowledge), DUE.isoformat(), mode)


async def _saved(url: str, knowledge: Path) -> tuple[int, int]:
    app = await build_app(make_settings(url, knowledge), ManualClock(START), {}, migrate=False)
    async with app.services.database.session() as session:
        queued = await session.scalar(select(func.count()).select_from(OutboxMessage))
        rows = await session.scalar(select(func.count()).select_from(WinbackMessage))
    await app.close()
    return int(queued or 0), int(rows or 0)


async def test_a_win_back_pass_killed_anywhere_sends_each_member_one_message(
    migrated_template: Path, tmp_path: Path
) -> None:
    url, knowledge = crash_database(migrated_template, tmp_path)
    left = START - timedelta(days=40)
    away = (
        telegram_member(user_id, f"m{user_id}", left, dm=True, timezone=zone)
        for user_id, zone in AWAY.items()
    )
    await seed(url, knowledge, *away)

    assert _run_child(url, knowledge, "render:2") == -9
    assert await _saved(url, knowledge) == (0, 0), "killed before the commit: nothing saved"
    assert _run_child(url, knowledge, "commit") == -9
    assert await _saved(url, knowledge) == (3, 3), "the pass is saved whole"
    assert _run_child(url, knowledge, "none") == 0
    assert await _saved(url, knowledge) == (3, 3), "run again in the cycle: nothing new"

    sent = await deliver_all(url, knowledge, DUE, **ON)
    assert Counter(message.user_id for message in sent) == {"101": 1, "102": 1, "103": 1}
    assert all("🔕" in str(m.buttons) for m in sent)
