"""Who is written to in a cycle, and what the activity log says about each of them.

A member qualifies when win-back may write to them at all (``eligible``): silent for
``after_days``, taking unasked DMs (not turned off, and a DM chat the bot can still reach),
never having pressed "🔕 Stop these", under ``max_per_member`` messages and none in
``min_days_between``, and nothing already planned. The rest is read for all of them at
once, a few queries per cycle however many there are: the platform they used last, the
feature they used last, and the hour they are most often active.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import Select, and_, exists, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from core.clock import as_utc
from core.features.winback.models import (
    COUNTED,
    PLANNED,
    WinbackMessage,
    WinbackProfile,
    WinbackStop,
)
from core.features.winback.settings import WinbackSettings
from core.features.winback.timing import best_hour
from core.members.models import Identity, Member

TOPICS = {
    "faq": "questions",
    "tickets": "tickets",
    "events": "events",
    "feedback": "feedback",
    "reputation": "reputation",
    "badges": "reputation",
}
"""The features a message can be built from (activity log name → topic); others are none."""
NONE = "none"
CHUNK = 500


@dataclass(frozen=True)
class Account:
    identity_id: int
    platform: str
    user_id: str
    dm_chat_id: str


@dataclass(frozen=True)
class Candidate:
    member_id: int
    left_at: datetime
    timezone: str | None
    languages: tuple[str | None, str | None]
    """Their /language, then the language last seen from them."""
    accounts: dict[str, Account]
    """Their reachable accounts with a DM chat, by platform: where unasked DMs may go."""

    def account(self, platform: str | None) -> Account:
        """The account on ``platform`` (the one they used last) when it takes DMs, else the
        first that does."""
        if platform in self.accounts:
            return self.accounts[platform]
        return next(iter(self.accounts.values()))


@dataclass(frozen=True)
class Known:
    """What the log says of one member: where and what they last did, when they are about."""

    platform: str | None
    topic: str
    hour: int | None


Eligible = Select[int, datetime, str | None, str | None, str | None]


def eligible(settings: WinbackSettings, now: datetime, *, planning: bool = True) -> Eligible:
    """Members win-back may write to now; ``planning``: and with nothing planned yet."""
    m, w = Member, WinbackMessage
    counted = and_(w.member_id == m.id, w.status.in_(COUNTED))
    query = select(m.id, m.last_seen_at, m.timezone, m.locale, m.seen_locale).where(
        m.last_seen_at <= now - timedelta(days=settings.after_days),
        m.dm_opt_out.is_(False),
        ~exists().where(WinbackStop.member_id == m.id),
        ~exists().where(counted, w.sent_at > now - timedelta(days=settings.min_days_between)),
        select(func.count()).where(counted).scalar_subquery() < settings.max_per_member,
    )
    if planning:
        query = query.where(~exists().where(w.member_id == m.id, w.status == PLANNED))
    return query


def reachable(members: Select[int]) -> Eligible:
    """Those of ``members`` who may still be written to: unasked DMs on, never said stop."""
    m = Member
    return select(m.id, m.last_seen_at, m.timezone, m.locale, m.seen_locale).where(
        m.id.in_(members),
        m.dm_opt_out.is_(False),
        ~exists().where(WinbackStop.member_id == m.id),
    )


async def candidates(session: AsyncSession, query: Eligible) -> list[Candidate]:
    """The members ``query`` (``eligible``, narrowed) finds who have an account to DM."""
    query = query.order_by(Member.id)
    members = (await session.execute(query)).all()
    accounts: dict[int, dict[str, Account]] = defaultdict(dict)
    found = query.with_only_columns(Member.id).scalar_subquery()
    i = Identity
    rows = await session.execute(
        select(i.member_id, i.id, i.platform, i.platform_user_id, i.dm_chat_id)
        .where(i.member_id.in_(found), i.dm_chat_id.is_not(None), i.unreachable_at.is_(None))
        .order_by(i.id)
    )
    for member_id, identity_id, platform, user_id, chat in rows:
        if chat is not None:
            accounts[member_id].setdefault(platform, Account(identity_id, platform, user_id, chat))
    return [
        Candidate(member_id, as_utc(seen), zone, (chosen, seen_locale), accounts[member_id])
        for member_id, seen, zone, chosen, seen_locale in members
        if member_id in accounts
    ]


def chunks(ids: Sequence[int]) -> Iterator[Sequence[int]]:
    """``ids`` a few hundred at a time: a database takes only so many parameters at once."""
    for start in range(0, len(ids), CHUNK):
        yield ids[start : start + CHUNK]


async def known(session: AsyncSession, members: Select[int]) -> dict[int, Known]:
    """The last platform, last topic and most active UTC hour of each of ``members`` (a query
    of member ids), from their profiles (``profiles``): one row each."""
    p = WinbackProfile
    rows = await session.execute(
        select(p.member_id, p.hours, p.platform, p.topic).where(
            p.member_id.in_(members.scalar_subquery())
        )
    )
    found = {
        member_id: Known(
            platform, topic or NONE, best_hour((h, n) for h, n in enumerate(hours) if n)
        )
        for member_id, hours, platform, topic in rows
    }
    nothing = Known(None, NONE, None)
    return {
        member_id: found.get(member_id, nothing) for member_id in await session.scalars(members)
    }
