"""Feedback rules members rely on: one vote each, drafts that never leak, honest statuses."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

from discord import app_commands
from sqlalchemy import func, select

from bot.app import App
from core.clock import ManualClock
from core.events import Actor, EventKind, IncomingEvent, Place, PlaceKind, Platform, Role
from core.features.feedback.models import FeedbackDraft, FeedbackItem, FeedbackVote
from core.features.feedback.service import FeedbackService, VoteOutcome
from core.features.feedback.settings import FeedbackSettings
from core.features.feedback.status import Status
from core.members import service as members
from tests.fakes.fake_adapter import FakeAdapter


async def _members(app: App, *names: str) -> list[int]:
    async with app.services.database.session() as session:
        ids = [
            (
                await members.resolve(
                    session, Actor(Platform.TELEGRAM, name, name), app.services.clock.now()
                )
            ).id
            for name in names
        ]
        await session.commit()
    return ids


async def _submit(app: App, member_id: int, title: str, description: str = "") -> int:
    async with app.services.database.session() as session:
        submission = await app.services.get(FeedbackService).submit(
            session, member_id, "feature", title, description, app.services.clock.now()
        )
        await session.commit()
    return submission.item.id if submission.item else submission.draft_id or 0


async def test_a_member_votes_once_however_often_they_press(app: App, clock: ManualClock) -> None:
    alice, bob = await _members(app, "alice", "bob")
    item = await _submit(app, alice, "Export tickets as CSV")
    vote = IncomingEvent(
        event_id="",
        kind=EventKind.ACTION,
        actor=Actor(Platform.TELEGRAM, "bob", "bob"),
        place=Place(Platform.TELEGRAM, "bob", PlaceKind.DM),
        received_at=clock.now(),
        action_id="fb.vote",
        action_arg=str(item),
    )
    first = await app.handle(replace(vote, event_id="p1"))
    second = await app.handle(replace(vote, event_id="p2"))
    assert "is counted (1 vote)" in first[0].text
    assert "You already back" in second[0].text
    async with app.services.database.session() as session:
        assert await session.scalar(select(func.count(FeedbackVote.id))) == 1
        outcome, _ = await app.services.get(FeedbackService).vote(session, item, bob, clock.now())
    assert outcome is VoteOutcome.ALREADY


async def test_nobody_votes_for_their_own_item_or_a_closed_one(
    app: App, clock: ManualClock
) -> None:
    alice, bob = await _members(app, "alice", "bob")
    item = await _submit(app, alice, "Export tickets as CSV")
    feedback = app.services.get(FeedbackService)
    async with app.services.database.session() as session:
        assert (await feedback.vote(session, item, alice, clock.now()))[0] is VoteOutcome.OWN
        move = await feedback.move(session, item, Status.DECLINED, "Out of scope", clock.now())
        assert move.moved
        assert (await feedback.vote(session, item, bob, clock.now()))[0] is VoteOutcome.CLOSED
        assert (await feedback.vote(session, 999, bob, clock.now()))[0] is VoteOutcome.MISSING


async def test_a_similar_submission_is_a_draft_nobody_else_sees(
    app: App, clock: ManualClock
) -> None:
    alice, bob = await _members(app, "alice", "bob")
    first = await _submit(app, alice, "Please add a dark mode", "white hurts my eyes")
    feedback = app.services.get(FeedbackService)
    async with app.services.database.session() as session:
        submission = await feedback.submit(
            session, bob, "feature", "Dark theme", "a dark mode option", clock.now()
        )
        await session.commit()
        draft = submission.draft_id
        assert submission.item is None and draft is not None
        assert [s.id for s in submission.similar] == [first]
        assert [s.id for s in await feedback.listing(session, "new", bob)] == [first]
        assert [s.id for s in await feedback.listing(session, "mine", bob)] == []
        assert await feedback.confirm(session, draft, alice, clock.now()) is None
        confirmed = await feedback.confirm(session, draft, bob, clock.now())
        again = await feedback.confirm(session, draft, bob, clock.now())
        assert confirmed is not None and again == confirmed
        assert (confirmed.id, confirmed.status) == (first + 1, Status.NEW)


async def test_voting_instead_withdraws_the_draft_and_leaves_no_gap_in_numbers(
    app: App, clock: ManualClock
) -> None:
    alice, bob = await _members(app, "alice", "bob")
    first = await _submit(app, alice, "Please add a dark mode")
    feedback = app.services.get(FeedbackService)
    async with app.services.database.session() as session:
        draft = (
            await feedback.submit(session, bob, "feature", "Dark mode please", "", clock.now())
        ).draft_id
        assert draft is not None
        outcome, item = await feedback.vote_instead(session, draft, first, bob, clock.now())
        await session.commit()
        assert outcome is VoteOutcome.COUNTED and item is not None and item.votes == 1
        assert await session.get(FeedbackDraft, draft) is None
    assert await _submit(app, bob, "Export tickets as CSV") == first + 1


async def test_filler_words_alone_do_not_make_requests_similar(
    app: App, clock: ManualClock
) -> None:
    (alice,) = await _members(app, "alice")
    await _submit(app, alice, "Please add a dark mode")
    await _submit(app, alice, "希望增加暗黑模式")
    async with app.services.database.session() as session:
        similar = app.services.get(FeedbackService).similar
        assert await similar.find(session, "Please add a calendar", "") == []
        assert await similar.find(session, "希望增加日历功能", "") == []
        assert [m.item_id for m in await similar.find(session, "dark mode?", "")] == [1]
        assert [m.item_id for m in await similar.find(session, "能不能出暗黑模式", "")] == [2]


async def test_moves_follow_the_workflow_and_a_decline_needs_a_reason(
    app: App, clock: ManualClock
) -> None:
    alice, bob, carol = await _members(app, "alice", "bob", "carol")
    item = await _submit(app, alice, "Export tickets as CSV")
    feedback = app.services.get(FeedbackService)
    async with app.services.database.session() as session:
        for voter in (bob, carol):
            await feedback.vote(session, item, voter, clock.now())
        bare = await feedback.move(session, item, Status.DECLINED, None, clock.now())
        assert not bare.moved
        moved = await feedback.move(session, item, Status.PLANNED, None, clock.now())
        assert moved.moved and moved.previous is Status.NEW
        assert moved.recipients == ((alice, True), (bob, False), (carol, False))
        back = await feedback.move(session, item, Status.IN_REVIEW, None, clock.now())
        assert not back.moved
        assert back.allowed == (Status.IN_PROGRESS, Status.COMPLETED, Status.DECLINED)
        assert (await feedback.move(session, 999, Status.PLANNED, None, clock.now())).item is None


async def test_top_lists_the_most_backed_open_items_first(app: App, clock: ManualClock) -> None:
    alice, bob, carol = await _members(app, "alice", "bob", "carol")
    quiet = await _submit(app, alice, "Export tickets as CSV")
    popular = await _submit(app, alice, "Weekly digest email")
    closed = await _submit(app, alice, "Emoji reactions on answers")
    feedback = app.services.get(FeedbackService)
    async with app.services.database.session() as session:
        for voter in (bob, carol):
            await feedback.vote(session, popular, voter, clock.now())
        await feedback.vote(session, closed, bob, clock.now())
        await feedback.move(session, closed, Status.DECLINED, "No", clock.now())
        top = await feedback.listing(session, "top", carol)
        mine = await feedback.listing(session, "mine", bob)
    assert [(s.id, s.votes) for s in top] == [(popular, 2), (quiet, 0)]
    assert {s.id for s in mine} == {popular, closed}


def status_move(event_id: str, item: int, status: Status, clock: ManualClock) -> IncomingEvent:
    """A moderator's /feedback status for ``item``."""
    return IncomingEvent(
        event_id=event_id,
        kind=EventKind.COMMAND,
        actor=Actor(Platform.TELEGRAM, "maria", "maria", role=Role.MODERATOR),
        place=Place(Platform.TELEGRAM, "maria", PlaceKind.DM),
        received_at=clock.now(),
        command="feedback",
        arg_text=f"status {item} {status.value}",
    )


async def test_status_news_is_queued_once_per_member_and_status(
    app: App, clock: ManualClock, fake: FakeAdapter
) -> None:
    alice, bob = await _members(app, "alice", "bob")
    item = await _submit(app, alice, "Export tickets as CSV")
    async with app.services.database.session() as session:
        await app.services.get(FeedbackService).vote(session, item, bob, clock.now())
        await session.commit()
    await app.handle(status_move("s1", item, Status.IN_REVIEW, clock))
    await app.dispatcher.dispatch_due()
    assert sorted(m.user_id or "" for m in fake.sent) == ["alice", "bob"]
    assert all("being reviewed" in m.text for m in fake.sent)


async def test_unconfirmed_drafts_are_dropped_after_a_week(app: App, clock: ManualClock) -> None:
    alice, bob = await _members(app, "alice", "bob")
    await _submit(app, alice, "Please add a dark mode")
    draft = await _submit(app, bob, "Dark mode please")
    clock.advance(timedelta(days=8))
    await app.tick()
    async with app.services.database.session() as session:
        assert await session.get(FeedbackDraft, draft) is None
        assert await session.scalar(select(func.count(FeedbackItem.id))) == 1


def test_only_the_words_that_carry_a_request_are_compared() -> None:
    finder = FeedbackService(FeedbackSettings()).similar
    assert finder.essence("Please add a feature, thanks!") == ""
    assert finder.essence("Can I log in with my e-mail?") == "log email"


def test_discord_offers_the_categories_and_statuses_as_pickers() -> None:
    from adapters.discord.commands import build_commands
    from bot.features import build_registry

    (group,) = [c for c in build_commands(build_registry(), None) if c.name == "feedback"]
    assert isinstance(group, app_commands.Group)
    options = {
        sub.name: {p.name: [c.value for c in p.choices] for p in sub.parameters}
        for sub in group.commands
        if isinstance(sub, app_commands.Command)
    }
    assert options["new"]["category"] == ["bug", "feature", "ux", "other"]
    assert options["status"]["status"] == [
        "in_review",
        "planned",
        "in_progress",
        "completed",
        "declined",
    ]
