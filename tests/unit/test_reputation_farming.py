"""Farming scripts against the earning rules, with the exact ceilings each one reaches.

They call the earning service as the message and reaction handlers do, on a real database,
so a thousand messages take seconds rather than a minute of routing.
"""

from __future__ import annotations

import random
from collections.abc import AsyncIterator
from datetime import datetime, timedelta

import pytest_asyncio
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from core.db.engine import Database
from core.events import Actor, Place, PlaceKind, Platform
from core.features.reputation import earning, ledger
from core.features.reputation.earning import Post, Thanks
from core.features.reputation.farming import Verdict
from core.features.reputation.models import RepEntry, RepRingHit
from core.features.reputation.recent import Recent
from core.features.reputation.settings import ReputationSettings
from core.members import service as members
from tests.conftest import START

GROUP = Place(Platform.TELEGRAM, "-100", PlaceKind.GROUP)
SETTINGS = ReputationSettings()
WORDS = [
    *("release", "docs", "api", "token", "login", "server", "deploy", "cache", "query"),
    *("index", "schema", "backup", "invoice", "plugin", "theme", "webhook", "export"),
    *("import", "upload", "avatar", "password", "channel", "thread", "badge", "event"),
]


@pytest_asyncio.fixture
async def session(database_url: str) -> AsyncIterator[AsyncSession]:
    database = Database(database_url)
    async with database.session() as opened:
        yield opened
    await database.dispose()


async def _member(session: AsyncSession, name: str, *, days_old: float = 30) -> int:
    """A member first seen ``days_old`` ago who has written ten messages."""
    actor = Actor(Platform.TELEGRAM, name, name.title())
    member = await members.resolve(session, actor, START - timedelta(days=days_old))
    stats = await earning.stats_of(session, member.id)
    stats.messages = 10
    await session.flush()
    return member.id


class Script:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session
        self.recent = Recent()
        self.ids = 0

    async def post(
        self, member_id: int, text: str, at: datetime, reply_to: str | None = None
    ) -> str:
        self.ids += 1
        await earning.on_post(
            self.session,
            SETTINGS,
            Post(member_id, GROUP, str(self.ids), text, reply_to, at, in_help_place=False),
            self.recent,
        )
        return str(self.ids)

    async def thank(self, giver: int, receiver: int, at: datetime) -> Verdict:
        return await earning.thank(
            self.session, SETTINGS, Thanks(giver, receiver, "give", at, scope="telegram:-100")
        )

    async def earned(self, member_id: int, *reasons: str) -> int:
        total = await self.session.scalar(
            select(func.coalesce(func.sum(RepEntry.points), 0)).where(
                RepEntry.member_id == member_id, RepEntry.reason.in_(reasons)
            )
        )
        return int(total or 0)


async def test_two_accounts_thanking_each_other_500_times_in_a_day_earn_10_each(
    session: AsyncSession,
) -> None:
    script = Script(session)
    ada, bob = await _member(session, "ada"), await _member(session, "bob")
    for n in range(500):
        at = START + timedelta(seconds=172 * n)
        speaker, named = (ada, "bob") if n % 2 == 0 else (bob, "ada")
        await script.post(speaker, f"thanks @{named}", at)
    assert await script.earned(ada, "thanks") == SETTINGS.thanks_points == 10
    assert await script.earned(bob, "thanks") == 10
    assert await script.earned(ada, "message") == 1, "the same words again earn nothing"


async def test_a_pair_that_keeps_thanking_each_other_for_a_week_stops_at_three(
    session: AsyncSession,
) -> None:
    script = Script(session)
    ada, bob = await _member(session, "ada"), await _member(session, "bob")
    verdicts = []
    for day in range(7):
        at = START + timedelta(days=day, hours=1)
        verdicts += [await script.thank(ada, bob, at), await script.thank(bob, ada, at)]
    assert verdicts[:3] == [Verdict.COUNTED] * 3
    assert set(verdicts[3:]) == {Verdict.RING}
    assert await script.earned(bob, "give") == 20 and await script.earned(ada, "give") == 10
    hits = await session.scalar(select(func.count(RepRingHit.id)))
    assert hits == 11


async def test_a_ring_of_three_earns_one_round_then_nothing_for_the_week(
    session: AsyncSession,
) -> None:
    script = Script(session)
    ada, bob, cleo = [await _member(session, n) for n in ("ada", "bob", "cleo")]
    for day in range(7):
        at = START + timedelta(days=day, hours=1)
        for giver, receiver in ((ada, bob), (bob, cleo), (cleo, ada)):
            await script.thank(giver, receiver, at)
    for member_id in (ada, bob, cleo):
        assert await script.earned(member_id, "give") == 10
    rings = set(await session.scalars(select(RepRingHit.ring)))
    assert len(rings) == 3 and all(ring.count(">") == 2 for ring in rings)

    at = START + timedelta(days=15)
    assert await script.thank(ada, bob, at) is Verdict.COUNTED, "a week later it counts again"


async def test_one_account_posting_1000_messages_in_an_hour_stops_at_the_daily_cap(
    session: AsyncSession,
) -> None:
    script = Script(session)
    spammer = await _member(session, "spam")
    draw = random.Random(15)
    for n in range(1000):
        text = " ".join(draw.sample(WORDS, 6))
        await script.post(spammer, text, START + timedelta(seconds=3.6 * n))
    assert await ledger.balance(session, spammer) == SETTINGS.max_message_points_per_day == 50

    same = await _member(session, "parrot")
    for n in range(200):
        await script.post(same, f"buy my stuff {n}!!", START + timedelta(seconds=3.6 * n))
    assert await ledger.balance(session, same) == 1, "near-same words within 10 minutes"


async def test_a_generous_giver_counts_five_times_a_day(session: AsyncSession) -> None:
    script = Script(session)
    giver = await _member(session, "gina")
    receivers = [await _member(session, f"r{n}") for n in range(20)]
    verdicts = [
        await script.thank(giver, r, START + timedelta(minutes=n)) for n, r in enumerate(receivers)
    ]
    assert verdicts.count(Verdict.COUNTED) == SETTINGS.max_thanks_given_per_day == 5
    assert set(verdicts[5:]) == {Verdict.GIVER_CAP}


async def test_new_or_quiet_accounts_give_nothing_and_short_messages_earn_nothing(
    session: AsyncSession,
) -> None:
    script = Script(session)
    ada = await _member(session, "ada")
    fresh = await _member(session, "fresh", days_old=2.9)
    quiet = await _member(session, "quiet")
    (await earning.stats_of(session, quiet)).messages = 9
    assert await script.thank(fresh, ada, START) is Verdict.NEW_GIVER
    assert await script.thank(quiet, ada, START) is Verdict.NEW_GIVER
    assert await script.thank(ada, ada, START) is Verdict.SELF
    await script.post(ada, "ok", START)
    await script.post(ada, "👍👍", START + timedelta(minutes=2))
    assert await ledger.balance(session, ada) == 0
    await script.post(ada, "yes", START + timedelta(minutes=4))
    assert await ledger.balance(session, ada) == 1
