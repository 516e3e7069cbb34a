"""The digest sweep killed (SIGKILL) in the middle of a pass and just after its commit, then
restarted: each founder gets exactly one digest that day."""

from __future__ import annotations

from collections import Counter
from datetime import timedelta
from pathlib import Path

from sqlalchemy import select

from bot.app import build_app
from core.clock import ManualClock
from core.features.digest.models import DigestSent
from core.outbox import OutboxMessage
from tests.conftest import START, make_settings
from tests.scenario.crash import crash_database, deliver_all, run_child, seed, telegram_member
from tests.scenario.digest_child import FOUNDERS

DUE = START.replace(hour=8, minute=30) + timedelta(days=1)
"""Tuesday 08:30 UTC: every founder's 08:00 has struck."""


def _run_child(url: str, knowledge: Path, mode: str) -> int:
    return run_child("tests.scenario.digest_child", url, str(knowledge), DUE.isoformat(), mode)


async def _queued(url: str, knowledge: Path) -> tuple[int, int]:
    app = await build_app(make_settings(url, knowledge), ManualClock(START), {}, migrate=False)
    async with app.services.database.session() as session:
        rows = list(await session.scalars(select(OutboxMessage.idempotency_key)))
        marks = list(await session.scalars(select(DigestSent.id)))
    await app.close()
    return len(rows), len(marks)


async def test_a_digest_pass_killed_anywhere_sends_each_founder_one_digest(
    migrated_template: Path, tmp_path: Path
) -> None:
    url, knowledge = crash_database(migrated_template, tmp_path)
    founders = (a.partition(":")[2] for a in FOUNDERS)
    await seed(url, knowledge, *(telegram_member(u, f"f{u}", START) for u in founders))

    assert _run_child(url, knowledge, "queue:2") == -9
    assert await _queued(url, knowledge) == (0, 0), "killed before the commit: nothing saved"
    assert _run_child(url, knowledge, "commit") == -9
    assert await _queued(url, knowledge) == (3, 3), "the pass is saved whole"
    assert _run_child(url, knowledge, "none") == 0
    assert await _queued(url, knowledge) == (3, 3), "a restart the same day queues nothing"

    sent = await deliver_all(url, knowledge, DUE, roles={"founders": FOUNDERS})
    delivered = Counter(message.user_id for message in sent)
    assert delivered == {"101": 1, "102": 1, "103": 1}
    assert all(m.attachments[0].content.startswith(b"\x89PNG") for m in sent)
