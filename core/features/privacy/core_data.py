"""The core's own tables for /privacy: the member, their accounts, their activity and the
messages sent to them."""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy import delete, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from core.activity import ActivityEvent
from core.members.models import Identity, Member
from core.outbox import OutboxMessage
from core.privacy import PLACEHOLDER, Forgetting, PersonalData, rows_of

SHORTEST = 3
"""Shorter names and words are not looked for in sent messages: they would match anything."""


async def export(session: AsyncSession, member_id: int) -> dict[str, Any]:
    (member,) = await rows_of(session, Member.id, member_id)
    activity = await rows_of(session, ActivityEvent.member_id, member_id)
    return {
        "member": member,
        "accounts": await rows_of(session, Identity.member_id, member_id),
        "activity": [{k: v for k, v in row.items() if k != "id"} for row in activity],
    }


async def traces(session: AsyncSession, member_id: int) -> set[str]:
    """The member's names and platform ids, as anything stored might repeat them."""
    found = {await session.scalar(select(Member.display_name).where(Member.id == member_id))}
    for name, user_id, dm_chat in await session.execute(
        select(Identity.display_name, Identity.platform_user_id, Identity.dm_chat_id).where(
            Identity.member_id == member_id
        )
    ):
        found |= {name, user_id, dm_chat}
    return {t for t in found if t}


async def forget(session: AsyncSession, forgetting: Forgetting) -> None:
    member = forgetting.member_id
    ids = [t for t in forgetting.traces if t]
    await session.execute(
        delete(OutboxMessage).where(
            or_(
                OutboxMessage.member_id == member,
                OutboxMessage.user_id.in_(ids),
                OutboxMessage.chat_id.in_(ids),
            )
        )
    )
    await _scrub_sent(session, forgetting)
    await session.execute(
        update(ActivityEvent)
        .where(ActivityEvent.member_id == member, ActivityEvent.place_id.in_(ids))
        .values(place_id=PLACEHOLDER)
    )
    await session.execute(
        update(ActivityEvent).where(ActivityEvent.member_id == member).values(member_id=None)
    )
    await session.execute(delete(Identity).where(Identity.member_id == member))
    await session.execute(delete(Member).where(Member.id == member))


async def _scrub_sent(session: AsyncSession, forgetting: Forgetting) -> None:
    """Messages to others that quote the member (a ticket relayed to staff) lose their text:
    the outbox keeps what it sent, and what it sent must not keep the member."""
    needles = [n for n in forgetting.traces | forgetting.words if len(n) >= SHORTEST]
    if not needles:
        return
    for row in await session.scalars(select(OutboxMessage)):
        said = json.dumps(row.payload, ensure_ascii=False)
        if any(n in said or json.dumps(n, ensure_ascii=False)[1:-1] in said for n in needles):
            row.payload = {**row.payload, "text": PLACEHOLDER, "buttons": [], "attachments": []}
            row.last_error = None


PART = PersonalData(
    (
        Member.__tablename__,
        Identity.__tablename__,
        ActivityEvent.__tablename__,
        OutboxMessage.__tablename__,
    ),
    export,
    forget,
)
