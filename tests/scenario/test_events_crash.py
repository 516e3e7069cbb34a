"""A reminder sweep for 500 attendees killed (SIGKILL) at several points, then restarted:
every attendee's reminder is queued once and delivered once."""

from __future__ import annotations

from collections import Counter
from datetime import timedelta
from pathlib import Path

from sqlalchemy import select

from bot.app import build_app
from core.clock import ManualClock
from core.dispatcher import Dispatcher
from core.events import Platform
from core.features.events.models import Event, EventReminder, Rsvp
from core.members.models import Identity, Member
from core.outbox import OutboxMessage
from tests.conftest import START, make_settings
from tests.fakes.fake_adapter import FakeAdapter
from tests.scenario.crash import crash_database, run_child

ATTENDEES = 500
STARTS = START + timedelta(days=2)
REMINDED_AT = STARTS - timedelta(hours=23)
KILLS = ["flush:1", "flush:7", "commit:1"]
"""Inside the first batch of 50; inside the seventh; just after the pass's one commit (its
rows and its done mark), before anything is sent."""


async def _seed(url: str, knowledge: Path) -> None:
    app = await build_app(make_settings(url, knowledge), ManualClock(START), {}, migrate=False)
    async with app.services.database.session() as session:
        event = Event(
            kind="webinar",
            title="Launch",
            starts_at=STARTS,
            ends_at=STARTS + timedelta(hours=1),
            timezone="Europe/Berlin",
            locale="en",
            created_at=START,
        )
        session.add(event)
        for n in range(ATTENDEES):
            member = Member(display_name=f"m{n}", created_at=START, last_seen_at=START)
            session.add(
                Identity(
                    member=member,
                    platform="telegram",
                    platform_user_id=str(10_000 + n),
                    display_name=f"m{n}",
                    created_at=START,
                )
            )
        await session.flush()
        members = list(await session.scalars(select(Member.id)))
        session.add_all(
            Rsvp(event_id=event.id, member_id=m, status="going", answered_at=START, queued_at=START)
            for m in members
        )
        await session.commit()
    await app.close()


def _run_child(url: str, knowledge: Path, mode: str) -> int:
    return run_child(
        "tests.scenario.reminder_child", url, str(knowledge), REMINDED_AT.isoformat(), mode
    )


async def test_a_sweep_killed_anywhere_queues_and_delivers_each_reminder_once(
    migrated_template: Path, tmp_path: Path
) -> None:
    url, knowledge = crash_database(migrated_template, tmp_path)
    await _seed(url, knowledge)

    queued_after_each = []
    for mode in KILLS:
        assert _run_child(url, knowledge, mode) == -9, f"{mode}: the child was killed"
        queued_after_each.append(await _queued(url, knowledge))
    assert queued_after_each == [0, 0, 500], "a pass is saved whole or not at all"
    assert _run_child(url, knowledge, "none") == 0
    assert _run_child(url, knowledge, "none") == 0, "a restart after the end queues nothing"

    fake = FakeAdapter(Platform.TELEGRAM)
    app = await build_app(
        make_settings(url, knowledge),
        ManualClock(REMINDED_AT),
        {Platform.TELEGRAM: fake},
        migrate=False,
    )
    dispatcher = Dispatcher(app.services.database, app.services.clock, {Platform.TELEGRAM: fake})
    while (await dispatcher.dispatch_due())[0]:
        pass
    async with app.services.database.session() as session:
        runs = list(await session.scalars(select(EventReminder)))
    await app.close()
    delivered = Counter(message.user_id for message in fake.sent)
    assert len(delivered) == ATTENDEES and set(delivered.values()) == {1}
    assert all(m.text.startswith("⏰") for m in fake.sent)
    assert len(runs) == 1


async def _queued(url: str, knowledge: Path) -> int:
    app = await build_app(make_settings(url, knowledge), ManualClock(START), {}, migrate=False)
    async with app.services.database.session() as session:
        rows = list(
            await session.scalars(
                select(OutboxMessage.member_id).where(
                    OutboxMessage.idempotency_key.like("event:1:remind:24h:%")
                )
            )
        )
    await app.close()
    assert len(rows) == len(set(rows)), "no member queued twice"
    return len(rows)
