"""Who is written to in a cycle, and what the activity log says about each of them.

A member qualifies when win-back may write to them at all (``eligible``): silent for
``after_days``, taking unasked DMs (not turned off, and a DM chat the bot can still reach),
never having pressed "🔕 Stop these", under ``max_per_member`` messages and none in
``min_days_between``, and nothing already planned. Their accounts and their profile (the
platform and feature they used last, the hour they are most often active: see
``profiles``) come in the same query, so a cycle reckons eligibility once for everyone.
"""

from __future__ import annotations

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
    known: Known

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
    """The members ``query`` (``eligible``, narrowed) finds who have an account to DM, with
    what their profile says of them: one query, so the eligibility is reckoned once."""
    i, p = Identity, WinbackProfile
    rows = await session.execute(
        query.join(i, i.member_id == Member.id)
        .outerjoin(p, p.member_id == Member.id)
        .where(i.dm_chat_id.is_not(None), i.unreachable_at.is_(None))
        .add_columns(i.id, i.platform, i.platform_user_id, i.dm_chat_id)
        .add_columns(p.hours, p.platform, p.topic)
        .order_by(Member.id, i.id)
    )
    found: dict[int, Candidate] = {}
    for member_id, seen, zone, chosen, seen_locale, *account, hours, last, topic in rows:
        identity_id, platform, user_id, chat = account
        if member_id not in found:
            about = Known(
                last,
                topic or NONE,
                best_hour((h, n) for h, n in enumerate(hours or ()) if n),
            )
            found[member_id] = Candidate(
                member_id, as_utc(seen), zone, (chosen, seen_locale), {}, about
            )
        found[member_id].accounts.setdefault(
            platform, Account(identity_id, platform, user_id, chat)
        )
    return list(found.values())


def chunks(ids: Sequence[int]) -> Iterator[Sequence[int]]:
    """``ids`` a few hundred at a time: a database takes only so many parameters at once."""
    for start in range(0, len(ids), CHUNK):
        yield ids[start : start + CHUNK]
