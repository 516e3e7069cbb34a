"""A change and the messages it causes are saved together or not at all.

The power is cut after the handler (or sweep) ran and its messages were queued, just before
the one commit: afterwards neither the change nor any message exists, and the same event
(or the sweep's next run) then saves both.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import timedelta

import pytest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.app import App
from core.clock import ManualClock
from core.context import Context
from core.events import (
    OutgoingMessage,
    Reply,
)
from core.features.feedback.models import FeedbackItem
from core.features.feedback.service import FeedbackService
from core.features.feedback.status import Status
from core.features.tickets.models import Ticket
from core.outbox import OutboxMessage
from tests.unit.test_feedback import status_move
from tests.unit.test_tickets import _member, _open, _staff_asks


class PowerCut(Exception):
    """The process dies between the last write and the commit."""


async def _cut(*args: object) -> None:
    raise PowerCut


async def _outbox(app: App) -> int:
    async with app.services.database.session() as session:
        return await session.scalar(select(func.count(OutboxMessage.id))) or 0


async def test_a_crash_before_the_commit_keeps_neither_the_change_nor_its_messages(
    app: App, clock: ManualClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    alice, bob = await _member(app, "alice", clock), await _member(app, "bob", clock)
    feedback = app.services.get(FeedbackService)
    async with app.services.database.session() as session:
        submitted = await feedback.submit(session, alice, "feature", "Dark mode", "", clock.now())
        assert submitted.item is not None
        item = submitted.item.id
        await feedback.vote(session, item, bob, clock.now())
        await session.commit()
    status = status_move("s1", item, Status.PLANNED, clock)
    deliver = app.router._deliver

    async def cut_before_commit(ctx: Context, replies: Sequence[Reply]) -> list[OutgoingMessage]:
        monkeypatch.setattr(ctx.session, "commit", _cut)
        return await deliver(ctx, replies)

    with monkeypatch.context() as patch:
        patch.setattr(app.router, "_deliver", cut_before_commit)
        with pytest.raises(PowerCut):
            await app.handle(status)

    async with app.services.database.session() as session:
        assert (await session.get_one(FeedbackItem, item)).status == Status.NEW.value
    assert await _outbox(app) == 0, "no news of a move that did not happen"

    await app.handle(status_move("s2", item, Status.PLANNED, clock))
    async with app.services.database.session() as session:
        assert (await session.get_one(FeedbackItem, item)).status == Status.PLANNED.value
    assert await _outbox(app) == 2, "author and voter hear of the move that happened"


async def test_a_sweep_that_crashes_before_its_commit_leaves_no_trace(
    app: App, clock: ManualClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    member_id, staff_id = await _member(app, "1", clock), await _member(app, "2", clock)
    ticket_id = await _open(app, member_id, clock, subject="site is down")
    await _staff_asks(app, ticket_id, staff_id, clock)
    clock.advance(timedelta(days=4))

    with monkeypatch.context() as patch:
        patch.setattr(AsyncSession, "commit", _cut)
        assert await app.sweeper.run("tickets.quiet") == 0

    async with app.services.database.session() as session:
        assert (await session.get_one(Ticket, ticket_id)).warned_at is None
    assert await _outbox(app) == 0

    assert await app.sweeper.run("tickets.quiet") == 1
    async with app.services.database.session() as session:
        assert (await session.get_one(Ticket, ticket_id)).warned_at is not None
    assert await _outbox(app) == 1, "the warning is queued with the change that records it"
