"""What a member's message says, built from the feature they used last and what is new since
they left (the start of the day they were last seen).

Everything is read for a cycle's members at once: the parts many members share (answers
changed since a day, the next events, ideas shipped since a day) once per day, language or
zone, and each member's own (their last ticket, their ideas and votes, their points and
nearest badge) in one query per topic.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, time
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from core.context import Services
from core.events import Button
from core.features.badges.models import MemberBadge
from core.features.badges.service import BadgesService
from core.features.events.cards import RSVP_ACTION, RSVP_LABELS
from core.features.events.models import Event
from core.features.events.views import view
from core.features.faq.models import StoredEntry
from core.features.feedback.models import FeedbackItem, FeedbackVote
from core.features.feedback.status import Status as Idea
from core.features.reputation import ledger
from core.features.reputation.models import RepRollup
from core.features.tickets.models import Status, Ticket
from core.features.winback.selection import chunks
from core.i18n import N_

STOP_ACTION = "wb.stop"
STOP_LABEL = N_("🔕 Stop these")
SHOWN = 3
EVENTS = 2


@dataclass(frozen=True)
class Reader:
    """One member a message is built for."""

    member_id: int
    topic: str
    left_at: datetime
    language: str
    timezone: str | None


@dataclass
class Content:
    context: dict[str, Any]
    buttons: tuple[Button, ...] = ()
    shared: tuple[object, ...] | None = None
    """Set when the words depend only on this (not on the member): rendered once for all."""


@dataclass
class _Shared:
    session: AsyncSession
    now: datetime
    answers: dict[tuple[datetime, str], tuple[int, list[str]]] = field(default_factory=dict)
    shipped: dict[datetime, list[FeedbackItem]] = field(default_factory=dict)
    upcoming: list[Event] | None = None

    async def answers_since(self, since: datetime, language: str) -> tuple[int, list[str]]:
        """How many knowledge-base answers were added or changed since, and the newest titles
        (in the reader's language where written in it)."""
        if (since, language) not in self.answers:
            query = select(StoredEntry.title).where(
                StoredEntry.updated_at > since, StoredEntry.removed.is_(False)
            )
            titles = list(
                await self.session.scalars(
                    query.where(StoredEntry.locale == language).order_by(
                        StoredEntry.updated_at.desc()
                    )
                )
            )
            if not titles:
                titles = list(
                    await self.session.scalars(query.order_by(StoredEntry.updated_at.desc()))
                )
            self.answers[since, language] = (len(titles), titles[:SHOWN])
        return self.answers[since, language]

    async def shipped_since(self, since: datetime) -> list[FeedbackItem]:
        if since not in self.shipped:
            self.shipped[since] = list(
                await self.session.scalars(
                    select(FeedbackItem)
                    .where(
                        FeedbackItem.status == Idea.COMPLETED.value, FeedbackItem.updated_at > since
                    )
                    .order_by(FeedbackItem.updated_at.desc())
                )
            )
        return self.shipped[since]

    async def events(self) -> list[Event]:
        if self.upcoming is None:
            self.upcoming = list(
                await self.session.scalars(
                    select(Event)
                    .where(Event.starts_at > self.now, Event.cancelled_at.is_(None))
                    .order_by(Event.starts_at, Event.id)
                    .limit(EVENTS)
                )
            )
        return self.upcoming


def since_day(left_at: datetime) -> datetime:
    return datetime.combine(left_at.date(), time(), left_at.tzinfo)


async def build(
    services: Services, session: AsyncSession, readers: Sequence[Reader], now: datetime
) -> dict[int, Content]:
    """Each reader's message content, by member id."""
    shared = _Shared(session, now)
    by_topic: dict[str, list[Reader]] = {}
    for reader in readers:
        by_topic.setdefault(reader.topic, []).append(reader)
    built: dict[int, Content] = {}
    alike: dict[tuple[object, ...], Content] = {}
    for topic, make in SHARED.items():
        for reader in by_topic.get(topic, []):
            key = _alike(reader)
            if key not in alike:
                alike[key] = await make(shared, reader)
            built[reader.member_id] = alike[key]
    built |= await _tickets(shared, by_topic.get("tickets", []))
    built |= await _feedback(shared, by_topic.get("feedback", []))
    built |= await _reputation(services, shared, by_topic.get("reputation", []))
    return built


def _alike(reader: Reader) -> tuple[object, ...]:
    """What a shared topic's message depends on: readers alike in it get the same words."""
    if reader.topic == "events":
        return ("events", reader.timezone)
    since = since_day(reader.left_at)
    if reader.topic == "questions":
        return ("questions", since, reader.language)
    return ("none", since, reader.language, reader.timezone)


async def _questions(shared: _Shared, reader: Reader) -> Content:
    since = since_day(reader.left_at)
    count, titles = await shared.answers_since(since, reader.language)
    return Content(
        {"topic": "questions", "answers": count, "titles": titles}, shared=_alike(reader)
    )


def _going(events: Sequence[Event]) -> tuple[Button, ...]:
    return tuple(
        Button(RSVP_ACTION, f"{e.id}:going", label_key=RSVP_LABELS["going"]) for e in events
    )


async def _events(shared: _Shared, reader: Reader) -> Content:
    upcoming = await shared.events()
    return Content(
        {"topic": "events", "events": [view(e, zone=reader.timezone) for e in upcoming]},
        buttons=_going(upcoming),
        shared=_alike(reader),
    )


async def _anything(shared: _Shared, reader: Reader) -> Content:
    """The three most interesting things since they left: the newest answer, the next event,
    the latest idea shipped; more answers where one of those is missing."""
    since = since_day(reader.left_at)
    _, titles = await shared.answers_since(since, reader.language)
    upcoming = (await shared.events())[:1]
    shipped = [item.title for item in (await shared.shipped_since(since))[:1]]
    room = SHOWN - len(upcoming) - len(shipped)
    return Content(
        {
            "topic": "none",
            "titles": titles[: max(room, 1)],
            "events": [view(e, zone=reader.timezone) for e in upcoming],
            "shipped": shipped,
        },
        buttons=_going(upcoming),
        shared=_alike(reader),
    )


async def _tickets(shared: _Shared, readers: Sequence[Reader]) -> dict[int, Content]:
    t = Ticket
    tickets: dict[int, dict[str, str]] = {}
    for part in chunks([r.member_id for r in readers]):
        latest = select(func.max(t.id)).where(t.member_id.in_(part)).group_by(t.member_id)
        rows = await shared.session.execute(
            select(t.id, t.member_id, t.subject, t.status, t.resolved_at).where(t.id.in_(latest))
        )
        tickets |= {
            member_id: {"ref": f"T-{ticket_id}", "subject": subject, "status": _ended(status, at)}
            for ticket_id, member_id, subject, status, at in rows
            if member_id is not None
        }
    built = {}
    for reader in readers:
        count, titles = await shared.answers_since(since_day(reader.left_at), reader.language)
        built[reader.member_id] = Content(
            {
                "topic": "tickets",
                "ticket": tickets.get(reader.member_id),
                "answers": count,
                "titles": titles,
            }
        )
    return built


def _ended(status: str, resolved_at: datetime | None) -> str:
    """A resolved ticket closes itself after a while: to its member it was solved."""
    if status == Status.CLOSED.value and resolved_at is not None:
        return Status.RESOLVED.value
    return status


async def _feedback(shared: _Shared, readers: Sequence[Reader]) -> dict[int, Content]:
    backed: dict[int, set[int]] = {}
    for part in chunks([r.member_id for r in readers]):
        votes = select(FeedbackVote.member_id, FeedbackVote.item_id)
        for member_id, item_id in await shared.session.execute(
            votes.where(FeedbackVote.member_id.in_(part))
        ):
            backed.setdefault(member_id, set()).add(item_id)
    built = {}
    for reader in readers:
        shipped = await shared.shipped_since(since_day(reader.left_at))
        mine = backed.get(reader.member_id, set())

        def theirs(
            item: FeedbackItem, mine: set[int] = mine, member: int = reader.member_id
        ) -> bool:
            return item.member_id == member or item.id in mine

        ordered = sorted(shipped, key=lambda item: not theirs(item))[:SHOWN]
        built[reader.member_id] = Content(
            {
                "topic": "feedback",
                "shipped": [{"title": i.title, "theirs": theirs(i)} for i in ordered],
                "more": max(len(shipped) - SHOWN, 0),
            }
        )
    return built


SHARED = {"questions": _questions, "events": _events, "none": _anything}
"""The topics whose words depend only on ``_alike``, not on the member."""


async def _reputation(
    services: Services, shared: _Shared, readers: Sequence[Reader]
) -> dict[int, Content]:
    """Points and place on the all-time board (ties as the leaderboard breaks them), and the
    one unearned badge their figures come nearest to."""
    if not readers:
        return {}
    session = shared.session
    ids = [r.member_id for r in readers]
    board = await session.execute(
        select(RepRollup.member_id, RepRollup.points).where(
            RepRollup.scope == ledger.EVERYWHERE, RepRollup.period == ledger.ALL_TIME
        )
    )
    ranked = sorted(board, key=lambda row: (row[1], row[0]), reverse=True)
    place = {member_id: n for n, (member_id, _) in enumerate(ranked, 1)}
    held: dict[int, set[str]] = {}
    for part in chunks(ids):
        rows = await session.execute(
            select(MemberBadge.member_id, MemberBadge.badge_id).where(
                MemberBadge.member_id.in_(part), MemberBadge.taken_at.is_(None)
            )
        )
        for member_id, badge_id in rows:
            held.setdefault(member_id, set()).add(badge_id)
    badges = services.get(BadgesService)
    figures = await badges.figures_of(session, ids, shared.now)
    built = {}
    for reader in readers:
        mine = figures.get(reader.member_id, {})
        nearest = badges.nearest(held.get(reader.member_id, set()), mine, 1)
        built[reader.member_id] = Content(
            {
                "topic": "reputation",
                "points": mine.get("reputation", 0),
                "position": place.get(reader.member_id),
                "of": len(ranked),
                "badge": {"badge": nearest[0][0], "steps": nearest[0][1]} if nearest else None,
            }
        )
    return built
