"""Win-back writes on the platform the member used last, whatever their DM preference."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from bot.app import build_app
from core.clock import ManualClock
from core.outbox import OutboxMessage
from tests.conftest import make_settings
from tests.fakes.fake_adapter import FakeAdapter
from tests.unit.chat import DC, TG, Chat


async def test_the_message_goes_where_the_member_was_last(
    database_url: str, clock: ManualClock
) -> None:
    settings = make_settings(database_url, winback={"enabled": True})
    telegram, discord = FakeAdapter(TG), FakeAdapter(DC)
    app = await build_app(settings, clock, {TG: telegram, DC: discord}, migrate=False)
    chat = Chat(app, clock, telegram, discord)
    for user in ("alice", "bob"):
        code = await chat.code(TG, user)
        await chat.say(DC, user, f"/link {code}")
    await chat.say(TG, "alice", "/ask how do I reset my password?")
    await chat.say(DC, "bob", "/ask how do I reset my password?")
    clock.advance(timedelta(days=31))
    await app.services.activity.flush()
    await app.sweeper.run("winback")
    async with app.services.database.session() as session:
        rows = (
            await session.execute(
                select(OutboxMessage.platform, OutboxMessage.user_id).where(
                    OutboxMessage.idempotency_key.like("winback:%")
                )
            )
        ).all()
    await app.close()
    assert sorted(rows) == [("discord", "bob"), ("telegram", "alice")]
