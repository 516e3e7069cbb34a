"""Linking accounts across platforms, taking one apart again, and DM preferences.

A code is asked for on one platform and typed on another, so whoever types it proves they
hold both accounts. Codes are random (``secrets``), short-lived, single use and stored only
as hashes; wrong guesses are counted per account and, past a few, refused for a while.
"""

from __future__ import annotations

import hashlib
import math
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Any, cast

from sqlalchemy import CursorResult, delete, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from core.events import Platform
from core.features.accounts import merge
from core.features.accounts.models import LinkCode, LinkFailure
from core.members import service as members
from core.members.models import Identity, Member

ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O or 1/I to misread
CODE_LENGTH = 8
CODE_TTL = timedelta(minutes=10)
MAX_FAILURES = 5
FAILURE_WINDOW = timedelta(minutes=10)
KEEP_SPENT = timedelta(days=1)


class Outcome(StrEnum):
    LINKED = "linked"
    WRONG = "wrong"
    EXPIRED = "expired"
    USED = "used"
    SAME_ACCOUNT = "same_account"
    SAME_PLATFORM = "same_platform"
    ALREADY_LINKED = "already_linked"
    TOO_MANY = "too_many"
    NOT_LINKED = "not_linked"
    ONLY_ACCOUNT = "only_account"
    UNLINKED = "unlinked"


@dataclass(frozen=True)
class LinkResult:
    outcome: Outcome
    member_id: int | None = None
    merged_id: int | None = None
    other: Identity | None = None
    wait_minutes: int = 0
    code_id: int | None = None


@dataclass(frozen=True)
class DmSettings:
    """``platform`` is where DMs go now; ``choices`` the reachable accounts' platforms."""

    platform: str | None
    opted_out: bool
    choices: tuple[str, ...]


def new_code() -> str:
    return "".join(secrets.choice(ALPHABET) for _ in range(CODE_LENGTH))


def shown(code: str) -> str:
    """ABCD-EFGH: easier to read out and retype."""
    half = len(code) // 2
    return f"{code[:half]}-{code[half:]}"


def digest(typed: str) -> str:
    """Case, spaces and dashes do not matter when typing a code back."""
    normalized = "".join(char for char in typed.upper() if char.isalnum())
    return hashlib.sha256(normalized.encode()).hexdigest()


async def identity_of(session: AsyncSession, platform: Platform, user_id: str) -> Identity:
    found = await session.scalars(
        select(Identity).where(
            Identity.platform == platform.value, Identity.platform_user_id == user_id
        )
    )
    return found.one()


async def identities_of(session: AsyncSession, member_id: int) -> list[Identity]:
    found = await session.scalars(
        select(Identity).where(Identity.member_id == member_id).order_by(Identity.id)
    )
    return list(found)


async def issue_code(session: AsyncSession, identity: Identity, now: datetime) -> str:
    """A new code for this account; the account's earlier unused codes stop working."""
    await session.execute(
        delete(LinkCode).where(LinkCode.identity_id == identity.id, LinkCode.used_at.is_(None))
    )
    code = new_code()
    session.add(
        LinkCode(
            identity_id=identity.id,
            code_hash=digest(code),
            created_at=now,
            expires_at=now + CODE_TTL,
        )
    )
    await session.flush()
    return code


async def _wait_minutes(session: AsyncSession, identity: Identity, now: datetime) -> int:
    """0 when this account may try a code; else the minutes until it may."""
    recent = list(
        await session.scalars(
            select(LinkFailure.at)
            .where(LinkFailure.identity_id == identity.id, LinkFailure.at > now - FAILURE_WINDOW)
            .order_by(LinkFailure.at.desc())
            .limit(MAX_FAILURES)
        )
    )
    if len(recent) < MAX_FAILURES:
        return 0
    free_at = recent[-1] + FAILURE_WINDOW
    return max(1, math.ceil((free_at - now).total_seconds() / 60))


async def redeem(
    session: AsyncSession, identity: Identity, typed: str, now: datetime
) -> LinkResult:
    """``identity`` typed a code: join its member with the member of the code's account.

    The older member is kept. Flushes.
    """
    wait = await _wait_minutes(session, identity, now)
    if wait:
        return LinkResult(Outcome.TOO_MANY, wait_minutes=wait)
    code = await session.scalar(
        select(LinkCode).where(LinkCode.code_hash == digest(typed)).order_by(LinkCode.id.desc())
    )
    refused = _refusal(code, now)
    if refused is not None or code is None:
        session.add(LinkFailure(identity_id=identity.id, at=now))
        await session.flush()
        return LinkResult(refused or Outcome.WRONG)
    source = await session.get_one(Identity, code.identity_id)
    if source.id == identity.id:
        return LinkResult(Outcome.SAME_ACCOUNT)
    if source.member_id == identity.member_id:
        await _claim(session, code.id, now)
        await session.flush()
        return LinkResult(Outcome.ALREADY_LINKED, member_id=identity.member_id, other=source)
    mine = {i.platform for i in await identities_of(session, identity.member_id)}
    theirs = {i.platform for i in await identities_of(session, source.member_id)}
    if mine & theirs:
        return LinkResult(Outcome.SAME_PLATFORM, other=source)
    if not await _claim(session, code.id, now):
        return LinkResult(Outcome.USED)
    both = [
        await session.get_one(Member, identity.member_id),
        await session.get_one(Member, source.member_id),
    ]
    keep, drop = sorted(both, key=lambda m: (m.created_at, m.id))
    code_id = code.id
    await merge.absorb(session, keep.id, drop.id)
    await session.flush()
    other = await session.get_one(Identity, source.id)
    return LinkResult(
        Outcome.LINKED, member_id=keep.id, merged_id=drop.id, other=other, code_id=code_id
    )


async def _claim(session: AsyncSession, code_id: int, now: datetime) -> bool:
    """Mark the code used unless someone else just did: one statement, so one winner."""
    claimed = await session.execute(
        update(LinkCode)
        .where(LinkCode.id == code_id, LinkCode.used_at.is_(None))
        .values(used_at=now)
        .execution_options(synchronize_session=False)
    )
    return cast(CursorResult[Any], claimed).rowcount == 1


def _refusal(code: LinkCode | None, now: datetime) -> Outcome | None:
    if code is None:
        return Outcome.WRONG
    if code.used_at is not None:
        return Outcome.USED
    if code.expires_at <= now:
        return Outcome.EXPIRED
    return None


async def unlink(session: AsyncSession, member_id: int, platform: str, now: datetime) -> LinkResult:
    """The member's account on ``platform`` becomes a member of its own; history stays here."""
    identities = await identities_of(session, member_id)
    target = next((i for i in identities if i.platform == platform), None)
    if target is None:
        return LinkResult(Outcome.NOT_LINKED)
    if len(identities) == 1:
        return LinkResult(Outcome.ONLY_ACCOUNT)
    member = await session.get_one(Member, member_id)
    alone = Member(
        display_name=target.display_name,
        locale=member.locale,
        dm_opt_out=member.dm_opt_out,
        created_at=now,
        last_seen_at=now,
    )
    session.add(alone)
    await session.flush()
    target.member_id = alone.id
    if member.dm_platform == platform:
        member.dm_platform = None
    await session.flush()
    session.expunge_all()
    return LinkResult(Outcome.UNLINKED, member_id=member_id, other=target)


async def dm_settings(session: AsyncSession, member_id: int) -> DmSettings:
    member = await session.get_one(Member, member_id)
    identity = members.dm_identity(member)
    reachable = tuple(i.platform for i in member.identities if i.unreachable_at is None)
    return DmSettings(
        platform=identity.platform if identity else None,
        opted_out=member.dm_opt_out,
        choices=tuple(dict.fromkeys(reachable)),
    )


async def choose_dm_platform(session: AsyncSession, member_id: int, platform: str) -> bool:
    """False when the member has no reachable account there."""
    if platform not in (await dm_settings(session, member_id)).choices:
        return False
    member = await session.get_one(Member, member_id)
    member.dm_platform = platform
    await session.flush()
    return True


async def set_dm_opt_out(session: AsyncSession, member_id: int, opted_out: bool) -> None:
    member = await session.get_one(Member, member_id)
    member.dm_opt_out = opted_out
    await session.flush()


async def prune(session: AsyncSession, now: datetime) -> None:
    """Spent codes and old wrong guesses are no use after a while."""
    await session.execute(delete(LinkCode).where(LinkCode.expires_at < now - KEEP_SPENT))
    await session.execute(delete(LinkFailure).where(LinkFailure.at < now - FAILURE_WINDOW))
    await session.flush()
