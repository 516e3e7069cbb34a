"""Who gets a digest, when it is due for them, and in which language and time zone."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from core.features.digest.models import DigestChoice, DigestSent
from core.members.models import Identity, Member
from core.settings import Settings

MONDAY = 0


async def founders(session: AsyncSession, accounts: Sequence[str]) -> list[Member]:
    """The members behind ``[roles] founders`` who have talked to the bot (it cannot DM the
    others yet), each once however many of their accounts are listed."""
    pairs = [account.partition(":")[::2] for account in accounts]
    if not pairs:
        return []
    found = await session.scalars(
        select(Member)
        .join(Identity, Identity.member_id == Member.id)
        .where(
            Identity.platform.in_({platform for platform, _ in pairs}),
            Identity.platform_user_id.in_({user for _, user in pairs}),
        )
        .order_by(Member.id)
    )
    wanted = set(pairs)
    return [
        member
        for member in found.unique()
        if any((i.platform, i.platform_user_id) in wanted for i in member.identities)
    ]


def zone_of(member: Member, settings: Settings) -> ZoneInfo:
    """The founder's /settings timezone, else the community's ``[locale] timezone``."""
    return ZoneInfo(member.timezone or settings.locale.timezone)


def language_of(member: Member, settings: Settings) -> str:
    """As the notifier chooses for a DM: the member's /language, what they write, else the
    community's default. The chart's labels must speak the same language as its text."""
    return member.locale or member.seen_locale or settings.locale.default


async def weekly(session: AsyncSession, member_id: int) -> bool:
    choice = await session.get(DigestChoice, member_id)
    return choice is not None and choice.weekly


async def due_date(
    session: AsyncSession, member: Member, settings: Settings, hour: int, now: datetime
) -> tuple[date, bool] | None:
    """The founder's local date and whether it is the weekly summary, when their digest is
    due and not yet sent: ``hour`` has struck where they are today, and for a weekly reader
    today is Monday. A digest missed while the bot was down is sent late the same day."""
    local = now.astimezone(zone_of(member, settings))
    if local.hour < hour:
        return None
    is_weekly = await weekly(session, member.id)
    if is_weekly and local.weekday() != MONDAY:
        return None
    sent = await session.scalar(
        select(DigestSent.id).where(
            DigestSent.member_id == member.id, DigestSent.local_date == local.date()
        )
    )
    return None if sent is not None else (local.date(), is_weekly)
