"""The ticket service and sweeps, driven directly: lifecycle, audit, priority, SLA, places."""

from __future__ import annotations

import asyncio
import csv
import io
import logging
from collections.abc import AsyncIterator
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import select

from bot import cli
from bot.app import App, build_app
from bot.config import load
from core.clock import ManualClock
from core.events import Actor, Place, PlaceKind, Platform, Reply
from core.features.faq.models import AnswerLog
from core.features.tickets import lookup, service
from core.features.tickets.export import tickets_csv
from core.features.tickets.figures import support_figures
from core.features.tickets.models import Ticket, TicketChange
from core.features.tickets.settings import TicketSettings
from core.members import service as members
from core.outbox import OutboxMessage
from core.places import PlaceRequest, Places, PrivatePlace
from tests.conftest import START, make_settings
from tests.fakes.fake_adapter import FakeAdapter

STAFF = "-1001"
RULES = TicketSettings().priority_keywords
WEEK = timedelta(days=7)


@pytest.fixture
async def desk(database_url: str, clock: ManualClock, fake: FakeAdapter) -> AsyncIterator[App]:
    settings = make_settings(
        database_url,
        tickets={"staff_places": [f"telegram:{STAFF}"]},
        roles={"founders": ["telegram:900"]},
    )
    built = await build_app(settings, clock, {Platform.TELEGRAM: fake}, migrate=False)
    yield built
    await built.close()


async def _member(app: App, user_id: str, clock: ManualClock) -> int:
    async with app.services.database.session() as session:
        actor = Actor(Platform.TELEGRAM, user_id, f"user {user_id}")
        member = await members.resolve(session, actor, clock.now())
        await session.commit()
        return member.id


async def _open(app: App, member_id: int, clock: ManualClock, subject: str = "Help") -> int:
    async with app.services.database.session() as session:
        ticket = await service.open_ticket(
            session,
            app.services.settings.section(TicketSettings),
            member_id=member_id,
            author_name="Ada",
            subject=subject,
            description="details",
            locale="en",
            platform="telegram",
            source="command",
            now=clock.now(),
        )
        root = Place(Platform.TELEGRAM, STAFF, PlaceKind.GROUP)
        await service.set_place(session, ticket, PrivatePlace(root))
        await session.commit()
        return ticket.id


async def _outbox_keys(app: App) -> list[str]:
    async with app.services.database.session() as session:
        return list(await session.scalars(select(OutboxMessage.idempotency_key)))


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("The whole site is DOWN", "urgent"),
        ("I can't log in since Monday", "high"),
        ("无法登录，一直转圈", "high"),
        ("服务器宕机了", "urgent"),
        ("a small typo on the about page", "low"),
        ("how do I change my avatar", "medium"),
    ],
)
def test_priority_follows_the_keyword_rules_in_both_languages(text: str, expected: str) -> None:
    assert service.priority_for(text, RULES) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [("T-12", 12), ("t12", 12), ("#7", 7), ("3", 3), ("T-", None), ("x", None)],
)
def test_ticket_refs_are_read_however_staff_type_them(text: str, expected: int | None) -> None:
    assert service.parse_ref(text) == expected


async def test_conversation_moves_the_status_and_every_change_is_audited(
    desk: App, clock: ManualClock
) -> None:
    member_id = await _member(desk, "1", clock)
    staff_id = await _member(desk, "2", clock)
    ticket_id = await _open(desk, member_id, clock)
    async with desk.services.database.session() as session:
        ticket = await session.get_one(Ticket, ticket_id)
        await service.claim(session, ticket, staff_id, clock.now())
        clock.advance(timedelta(minutes=30))
        said = {"reopen_within": WEEK, "now": clock.now()}
        await service.add_message(
            session,
            ticket,
            author_id=staff_id,
            author_name="Bob",
            from_staff=True,
            text="Hi",
            **said,
        )
        assert ticket.status == "waiting_on_member"
        assert ticket.first_response_at == clock.now()
        await service.add_message(
            session,
            ticket,
            author_id=member_id,
            author_name="Ada",
            from_staff=False,
            text="Ok",
            **said,
        )
        assert ticket.status == "in_progress", "claimed, so back in progress, not open"
        await service.resolve(session, ticket, staff_id, clock.now())
        await service.close(session, ticket, staff_id, "solved", clock.now())
        await session.commit()
        trail = [
            (c.kind, c.detail.get("new"))
            for c in await session.scalars(
                select(TicketChange)
                .where(TicketChange.ticket_id == ticket_id)
                .order_by(TicketChange.id)
            )
        ]
    assert trail == [
        ("opened", None),
        ("assigned", staff_id),
        ("status", "in_progress"),
        ("status", "waiting_on_member"),
        ("status", "in_progress"),
        ("status", "resolved"),
        ("status", "closed"),
        ("close_reason", None),
    ]
    assert ticket.transcript is not None
    assert "**Bob** (staff" in ticket.transcript and "> Ok" in ticket.transcript


async def test_a_member_reply_reopens_only_within_the_window(desk: App, clock: ManualClock) -> None:
    member_id = await _member(desk, "1", clock)
    ticket_id = await _open(desk, member_id, clock)
    async with desk.services.database.session() as session:
        ticket = await session.get_one(Ticket, ticket_id)
        await service.close(session, ticket, None, None, clock.now())
        await session.commit()
        later = clock.now() + timedelta(days=6)
        assert await lookup.member_conversation(session, member_id, later, WEEK) is ticket
        too_late = clock.now() + timedelta(days=8)
        assert await lookup.member_conversation(session, member_id, too_late, WEEK) is None


async def test_sla_breach_is_told_once_per_level_even_when_the_sweep_runs_late(
    desk: App, clock: ManualClock
) -> None:
    founder = await _member(desk, "900", clock)
    member_id = await _member(desk, "1", clock)
    ticket_id = await _open(desk, member_id, clock, subject="site is down")
    clock.advance(timedelta(minutes=59))
    assert await desk.sweeper.run("tickets.sla") == 0
    clock.advance(timedelta(minutes=2))
    assert await desk.sweeper.run("tickets.sla") == 1
    assert await desk.sweeper.run("tickets.sla") == 0, "a second run says nothing"
    clock.advance(timedelta(hours=48))
    await desk.sweeper.run("tickets.sla")
    keys = await _outbox_keys(desk)
    assert keys.count(service.outbox_key(ticket_id, "breach", "first_response", 1)) == 1
    assert service.outbox_key(ticket_id, "breach", "first_response", 2, founder) in keys
    assert service.outbox_key(ticket_id, "breach", "resolution", 1) in keys
    assert service.outbox_key(ticket_id, "breach", "resolution", 2, founder) in keys


async def test_start_up_names_a_founder_the_bot_cannot_dm_and_sweeps_do_not_repeat_it(
    database_url: str, clock: ManualClock, fake: FakeAdapter, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO)
    settings = make_settings(database_url, roles={"founders": ["telegram:900"]})
    app = await build_app(settings, clock, {Platform.TELEGRAM: fake}, migrate=False)
    try:
        member_id = await _member(app, "1", clock)
        await _open(app, member_id, clock, subject="site is down")
        for _ in range(3):
            clock.advance(timedelta(hours=24))
            await app.sweeper.run("tickets.sla")
    finally:
        await app.close()
    told = [r for r in caplog.records if "telegram:900" in r.getMessage()]
    assert [(r.levelname, r.name) for r in told] == [("WARNING", "bot.app")]


async def _staff_asks(app: App, ticket_id: int, staff_id: int, clock: ManualClock) -> None:
    """Staff answer with a question: the ticket now waits on its member."""
    async with app.services.database.session() as session:
        ticket = await session.get_one(Ticket, ticket_id)
        await service.add_message(
            session,
            ticket,
            author_id=staff_id,
            author_name="Bob",
            from_staff=True,
            text="Which browser?",
            now=clock.now(),
            reopen_within=WEEK,
        )
        await session.commit()


async def test_quiet_ticket_is_warned_once_then_closed(desk: App, clock: ManualClock) -> None:
    member_id = await _member(desk, "1", clock)
    staff_id = await _member(desk, "2", clock)
    ticket_id = await _open(desk, member_id, clock)
    await _staff_asks(desk, ticket_id, staff_id, clock)
    clock.advance(timedelta(days=3, minutes=1))
    assert await desk.sweeper.run("tickets.quiet") == 1
    assert await desk.sweeper.run("tickets.quiet") == 0
    clock.advance(timedelta(days=2))
    await desk.sweeper.run("tickets.quiet")
    async with desk.services.database.session() as session:
        ticket = await session.get_one(Ticket, ticket_id)
    assert (ticket.status, ticket.close_reason) == ("closed", "inactive")


async def test_a_staff_reply_to_a_relayed_message_finds_its_ticket(
    desk: App, clock: ManualClock, fake: FakeAdapter
) -> None:
    member_id = await _member(desk, "1", clock)
    ticket_id = await _open(desk, member_id, clock)
    async with desk.services.database.session() as session:
        ticket = await session.get_one(Ticket, ticket_id)
        root = Place(Platform.TELEGRAM, STAFF, PlaceKind.GROUP)
        reply = Reply("tickets/noted", {"ticket": ticket})
        await desk.services.notifier.to_place(
            session, root, reply, service.outbox_key(ticket_id, "msg", 1)
        )
        await session.commit()
    await desk.dispatcher.dispatch_due()
    message_id = str(len(fake.sent))
    async with desk.services.database.session() as session:
        found = await lookup.relayed_to(session, root, message_id)
        assert found is not None and found.id == ticket_id
        assert await lookup.relayed_to(session, root, "999") is None


class _Failing:
    async def open_private_place(self, request: PlaceRequest) -> PrivatePlace | None:
        raise OSError("network down")


async def test_a_place_that_cannot_be_opened_falls_back_to_the_parent() -> None:
    places = Places()
    parent = Place(Platform.TELEGRAM, STAFF, PlaceKind.GROUP)
    request = PlaceRequest(parent, "T-1", "T-1 · Help")
    assert await places.open_private(request) == PrivatePlace(parent)
    places.add(Platform.TELEGRAM, _Failing())
    assert await places.open_private(request) == PrivatePlace(parent)


def test_the_example_config_documents_the_ticket_defaults() -> None:
    example = Path(__file__).resolve().parents[2] / "config.example.toml"
    assert load(example, environ={}).tickets == TicketSettings()


async def test_figures_give_medians_per_priority_ratings_and_deflection(
    desk: App, clock: ManualClock
) -> None:
    start = clock.now()
    member_id = await _member(desk, "1", clock)
    staff_id = await _member(desk, "2", clock)
    for hours, score in ((1, 5), (3, 3)):
        ticket_id = await _open(desk, member_id, clock)
        async with desk.services.database.session() as session:
            ticket = await session.get_one(Ticket, ticket_id)
            ticket.first_response_at = clock.now() + timedelta(hours=hours)
            ticket.waited_seconds = (hours - 1) * 3600  # the slower one waited 2 h on the member
            await service.resolve(session, ticket, staff_id, clock.now() + timedelta(hours=hours))
            await service.rate(session, ticket, score, clock.now())
            await session.commit()
    await _open(desk, member_id, clock, subject="site is down")
    async with desk.services.database.session() as session:
        for escalated in (clock.now(), None):
            session.add(
                AnswerLog(
                    member_id=member_id,
                    question="q",
                    locale="en",
                    entry_id="e",
                    score=0.9,
                    answered=True,
                    platform="telegram",
                    asked_at=clock.now(),
                    suggestions=[],
                    escalated_at=escalated,
                )
            )
        await session.commit()
        later = clock.now() + timedelta(days=2)
        figures = await support_figures(session, start, start + timedelta(days=1), now=later)
    medium = next(t for t in figures.times if t.priority == "medium")
    assert (figures.opened, figures.resolved, figures.backlog) == (3, 2, 1)
    assert medium.median_first_response == timedelta(hours=2)
    assert medium.median_resolution == timedelta(hours=1), "waiting on the member is left out"
    assert figures.csat_average == 4.0
    assert figures.csat_distribution == {1: 0, 2: 0, 3: 1, 4: 0, 5: 1}
    assert [(r.member_id, r.average, r.count) for r in figures.csat_by_moderator] == [
        (staff_id, 4.0, 2)
    ]
    assert figures.deflection == 0.5


async def test_cli_exports_tickets_and_closed_transcripts(
    desk: App,
    clock: ManualClock,
    database_url: str,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    member_id = await _member(desk, "1", clock)
    closed_id = await _open(desk, member_id, clock, subject="Closed one")
    await _open(desk, member_id, clock, subject="Open one")
    async with desk.services.database.session() as session:
        await service.close(
            session, await session.get_one(Ticket, closed_id), None, None, clock.now()
        )
        await session.commit()
    config = tmp_path / "config.toml"
    config.write_text(f'[database]\nurl = "{database_url}"\n', encoding="utf-8")
    out, transcripts = tmp_path / "tickets.csv", tmp_path / "transcripts"
    argv = ["tickets", "export", "--config", str(config), "--out", str(out)]
    await asyncio.to_thread(cli.main, [*argv, "--transcripts", str(transcripts)])
    rows = out.read_text(encoding="utf-8").splitlines()
    assert rows[0].startswith("ref,status,priority,subject")
    assert [r.split(",")[:2] for r in rows[1:]] == [["T-1", "closed"], ["T-2", "open"]]
    assert [p.name for p in transcripts.iterdir()] == ["T-1.md"]
    assert f"wrote 1 transcript into {transcripts}" in capsys.readouterr().err


async def test_resolved_tickets_are_archived_after_the_reopen_window(
    desk: App, clock: ManualClock
) -> None:
    member_id = await _member(desk, "1", clock)
    ticket_id = await _open(desk, member_id, clock)
    async with desk.services.database.session() as session:
        ticket = await session.get_one(Ticket, ticket_id)
        await service.resolve(session, ticket, member_id, clock.now())
        await session.commit()
    clock.advance(timedelta(days=6))
    assert await desk.sweeper.run("tickets.archive") == 0
    clock.advance(timedelta(days=1))
    assert await desk.sweeper.run("tickets.archive") == 1
    async with desk.services.database.session() as session:
        ticket = await session.get_one(Ticket, ticket_id)
    assert (ticket.status, ticket.close_reason) == ("closed", "resolved")
    assert ticket.transcript is not None and "> details" in ticket.transcript


def test_a_member_tier_sets_the_lowest_priority_and_keywords_may_raise_it() -> None:
    settings = TicketSettings(
        tiers={
            "premium": {"priority": "high", "members": ["telegram:1"]},
            "partner": {"priority": "urgent", "members": ["discord:2"]},
        }
    )
    assert service.tier_of(settings, ["telegram:1"]) == "premium"
    assert service.tier_of(settings, ["telegram:1", "discord:2"]) == "partner"
    assert service.tier_of(settings, ["telegram:3"]) is None
    floor = settings.tiers["premium"].priority
    assert service.priority_for("a small typo", RULES, floor) == "high"
    assert service.priority_for("服务器宕机了", RULES, floor) == "urgent"


def test_a_tier_with_an_unknown_priority_is_refused() -> None:
    with pytest.raises(ValueError, match="'urgent'"):
        TicketSettings(tiers={"gold": {"priority": "huge", "members": []}})


def test_exported_text_that_looks_like_a_formula_stays_text() -> None:
    ticket = Ticket(
        id=7,
        status="open",
        priority="medium",
        subject='=HYPERLINK("http://evil.example","click")',
        platform="telegram",
        source="command",
        tags=[],
        created_at=START,
        csat_comment="-1 star",
        response_escalation=0,
        resolution_escalation=0,
    )
    (row,) = list(csv.DictReader(io.StringIO(tickets_csv([ticket]))))
    assert row["subject"] == '\'=HYPERLINK("http://evil.example","click")'
    assert row["csat_comment"] == "'-1 star"
    assert (row["ref"], row["closed_at"]) == ("T-7", "")
