"""Who is speaking: the member behind a platform account, created on first sight."""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from core.events import Actor, Platform, Role
from core.members.cache import Snapshot
from core.members.models import Identity, Member


async def resolve(
    session: AsyncSession,
    actor: Actor,
    now: datetime,
    *,
    snapshot: Snapshot | None = None,
    group_role: Role | None = None,
    in_dm: bool = False,
    dm_chat_id: str | None = None,
) -> Member:
    """The member for this account; a new one on first contact. Flushes, does not commit.

    ``snapshot``: the member as the cache remembers them, used instead of loading them.
    ``group_role`` is the role the account speaks with in a group (None in a DM, where
    platforms tell no roles); it is remembered for when they are not around. ``in_dm``: they
    wrote to the bot directly, which proves the bot may DM them again after a block.
    ``dm_chat_id``: the DM chat they wrote in, remembered so DMs need not look it up.
    "Last seen" is not written here but by the activity log, in its batches.
    """
    account = (actor.platform.value, actor.platform_user_id)
    if snapshot is not None:
        member = snapshot.attach(session)
        identity: Identity | None = next(
            i for i in member.identities if (i.platform, i.platform_user_id) == account
        )
    else:
        identity = await session.scalar(
            select(Identity).where(
                Identity.platform == actor.platform.value,
                Identity.platform_user_id == actor.platform_user_id,
            )
        )
    if identity is None:
        member = Member(
            display_name=actor.display_name[:100],
            created_at=now,
            last_seen_at=now,
        )
        identity = Identity(
            member=member,
            platform=actor.platform.value,
            platform_user_id=actor.platform_user_id,
            display_name=actor.display_name[:100],
            created_at=now,
            group_role=None if group_role is None else int(group_role),
            dm_chat_id=dm_chat_id,
        )
        session.add_all([member, identity])
        await session.flush()
        return member
    if snapshot is None:
        member = await session.get_one(Member, identity.member_id)
    if in_dm and identity.unreachable_at is not None:
        # Writing to the bot undoes a block: DMs to this account may be sent again.
        identity.unreachable_at = identity.unreachable_reason = None
    if dm_chat_id is not None and identity.dm_chat_id != dm_chat_id:
        identity.dm_chat_id = dm_chat_id
    if identity.display_name != actor.display_name[:100]:
        identity.display_name = actor.display_name[:100]
    if group_role is not None and identity.group_role != group_role:
        identity.group_role = int(group_role)
    return member


async def set_locale(session: AsyncSession, member_id: int, locale: str | None) -> None:
    member = await session.get_one(Member, member_id)
    member.locale = locale
    await session.flush()


def dm_identity(member: Member) -> Identity | None:
    """Where a DM to this member goes: their chosen platform, else any reachable account."""
    reachable = [i for i in member.identities if i.unreachable_at is None]
    if member.dm_platform:
        for identity in reachable:
            if identity.platform == member.dm_platform:
                return identity
    return reachable[0] if reachable else None


def allows_unasked_dms(member: Member) -> bool:
    """Whether a message the member did not ask for (a welcome, a nudge, a win-back) may go
    to their DMs: they have not turned unasked DMs off, and they have written to the bot
    privately on an account it can still reach. Telegram lets a bot DM only people who
    started it, and Discord's policy forbids DMs nobody asked for; a member who opened the
    conversation has asked."""
    return not member.dm_opt_out and any(
        i.dm_chat_id is not None for i in member.identities if i.unreachable_at is None
    )


def dm_chat_of(member: Member, actor: Actor) -> str | None:
    """The DM chat remembered for the account ``actor`` speaks from."""
    for identity in member.identities:
        if (identity.platform, identity.platform_user_id) == (
            actor.platform.value,
            actor.platform_user_id,
        ):
            return identity.dm_chat_id
    return None


async def remember_dm_chats(
    session: AsyncSession, platform: Platform, chats: Mapping[str, str]
) -> None:
    """The DM chats (user id → chat id) the platform opened, kept for the next DMs."""
    for identity in await session.scalars(
        select(Identity).where(
            Identity.platform == platform.value, Identity.platform_user_id.in_(list(chats))
        )
    ):
        identity.dm_chat_id = chats[identity.platform_user_id]


async def dm_chats(
    session: AsyncSession, platform: Platform, user_ids: Collection[str]
) -> dict[str, str]:
    """The remembered DM chats of these accounts (user id → chat id), where known."""
    rows = await session.execute(
        select(Identity.platform_user_id, Identity.dm_chat_id).where(
            Identity.platform == platform.value,
            Identity.platform_user_id.in_(list(user_ids)),
            Identity.dm_chat_id.is_not(None),
        )
    )
    return {user_id: chat_id for user_id, chat_id in rows if chat_id is not None}


async def mark_unreachable(
    session: AsyncSession, platform: Platform, user_id: str, reason: str, now: datetime
) -> None:
    """The platform refused a DM (blocked, never started): stop trying, keep everything."""
    identity = await session.scalar(
        select(Identity).where(
            Identity.platform == platform.value, Identity.platform_user_id == user_id
        )
    )
    if identity is not None and identity.unreachable_at is None:
        identity.unreachable_at = now
        identity.unreachable_reason = reason[:200]


async def never_seen(session: AsyncSession, accounts: Sequence[str]) -> list[str]:
    """The configured ``platform:user_id`` accounts that have never talked to the bot, which
    it therefore cannot DM yet (Telegram forbids it; on Discord it has no member to find)."""
    unseen = []
    for account in accounts:
        platform, _, user_id = account.partition(":")
        seen = await session.scalar(
            select(Identity.id).where(
                Identity.platform == platform, Identity.platform_user_id == user_id
            )
        )
        if seen is None:
            unseen.append(account)
    return unseen
