"""The outbox: nothing queued twice, nothing lost, every platform answer handled."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from bot.app import App
from core.clock import ManualClock
from core.dispatcher import Dispatcher
from core.events import Actor, DeliveryFailure, Place, PlaceKind, Platform, Reply, Visibility
from core.members import service as members
from core.members.models import Identity, Member
from core.outbox import OutboxMessage
from core.ratelimit import Limit, Pacing
from tests.fakes.fake_adapter import FakeAdapter


async def _member(app: App, user_id: str) -> int:
    async with app.services.database.session() as session:
        member = await members.resolve(
            session, Actor(Platform.TELEGRAM, user_id, user_id), app.services.clock.now()
        )
        await session.commit()
        return member.id


async def _notify(app: App, member_id: int, key: str) -> bool:
    async with app.services.database.session() as session:
        added = await app.services.notifier.to_member(
            session, member_id, Reply("core/stale_button"), key
        )
        await session.commit()
        return added


async def _rows(app: App) -> list[OutboxMessage]:
    async with app.services.database.session() as session:
        return list(await session.scalars(select(OutboxMessage).order_by(OutboxMessage.id)))


async def test_same_key_is_queued_and_sent_once(app: App, fake: FakeAdapter) -> None:
    member_id = await _member(app, "42")
    assert await _notify(app, member_id, "reminder:1")
    assert not await _notify(app, member_id, "reminder:1")
    await app.dispatcher.dispatch_due()
    await app.dispatcher.dispatch_due()
    assert len(fake.sent) == 1
    assert fake.sent[0].user_id == "42"
    assert [row.status for row in await _rows(app)] == ["sent"]


async def test_blocked_member_is_marked_unreachable_and_the_row_kept(
    app: App, fake: FakeAdapter
) -> None:
    member_id = await _member(app, "7")
    fake.blocked_users.add("7")
    await _notify(app, member_id, "digest:1")
    await app.dispatcher.dispatch_due()
    (row,) = await _rows(app)
    assert row.status == "failed"
    assert "blocked" in (row.last_error or "")
    async with app.services.database.session() as session:
        identity = await session.scalar(select(Identity).where(Identity.platform_user_id == "7"))
    assert identity is not None and identity.unreachable_at is not None
    assert not await _notify(app, member_id, "digest:2"), "no reachable account is left"


async def test_server_errors_back_off_then_succeed(
    app: App, fake: FakeAdapter, clock: ManualClock
) -> None:
    member_id = await _member(app, "9")
    await _notify(app, member_id, "k")
    fake.fail_next(DeliveryFailure.UNAVAILABLE)
    await app.dispatcher.dispatch_due()
    (row,) = await _rows(app)
    assert row.status == "pending" and row.attempts == 1
    await app.dispatcher.dispatch_due()
    assert fake.sent == [], "not retried before the backoff has passed"
    clock.advance(timedelta(seconds=3))
    await app.dispatcher.dispatch_due()
    assert len(fake.sent) == 1


async def test_rate_limited_message_waits_for_the_platform_s_retry_after(
    app: App, fake: FakeAdapter, clock: ManualClock
) -> None:
    real_seconds = [0.0]
    fake.pacing = Pacing(Limit(1000, 1.0), now=lambda: real_seconds[0])
    dispatcher = Dispatcher(app.services.database, clock, {Platform.TELEGRAM: fake})
    member_id = await _member(app, "5")
    await _notify(app, member_id, "k")
    fake.fail_next(DeliveryFailure.RATE_LIMITED, retry_after=30)
    await dispatcher.dispatch_due()
    clock.advance(timedelta(seconds=29))
    real_seconds[0] += 29
    await dispatcher.dispatch_due()
    assert fake.sent == []
    clock.advance(timedelta(seconds=2))
    real_seconds[0] += 2
    await dispatcher.dispatch_due()
    assert len(fake.sent) == 1


async def test_gives_up_after_max_attempts_and_keeps_the_reason(
    app: App, fake: FakeAdapter, clock: ManualClock
) -> None:
    member_id = await _member(app, "3")
    await _notify(app, member_id, "k")
    for _ in range(app.services.settings.outbox.max_attempts):
        fake.fail_next(DeliveryFailure.UNAVAILABLE)
        await app.dispatcher.dispatch_due()
        clock.advance(timedelta(hours=1))
    (row,) = await _rows(app)
    assert row.status == "failed"
    assert "unavailable" in (row.last_error or "")


async def test_a_post_to_a_place_reaches_that_thread_in_the_default_language(
    app: App, fake: FakeAdapter
) -> None:
    staff = Place(Platform.TELEGRAM, "-100", PlaceKind.GROUP, thread_id="77")
    async with app.services.database.session() as session:
        assert await app.services.notifier.to_place(
            session, staff, Reply("core/stale_button"), "staff:1"
        )
        await session.commit()
    await app.dispatcher.dispatch_due()
    (message,) = fake.sent
    assert (message.chat_id, message.thread_id, message.user_id) == ("-100", "77", None)
    assert message.visibility is Visibility.PUBLIC
    assert message.text == app.services.renderer.render(
        "core/stale_button", {}, platform=Platform.TELEGRAM, locale="en"
    )


async def test_members_who_opted_out_get_requested_dms_but_no_unsolicited_ones(
    app: App, fake: FakeAdapter
) -> None:
    member_id = await _member(app, "9")
    async with app.services.database.session() as session:
        (await session.get_one(Member, member_id)).dm_opt_out = True
        notifier = app.services.notifier
        news = Reply("core/stale_button")
        assert not await notifier.to_member(session, member_id, news, "news:1", unsolicited=True)
        assert await notifier.to_member(session, member_id, news, "ticket-reply:1")
        await session.commit()
    await app.dispatcher.dispatch_due()
    assert [m.user_id for m in fake.sent] == ["9"]
