"""Each member's profile from the activity log, read incrementally: the log only grows, so
a pass reads the rows after the last one it counted (``WinbackControl.read_to``) and adds
them to the members' profiles, in the sweep's transaction. The first pass reads the whole
log once; afterwards a cycle costs one profile row per member, however long the log."""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import bindparam, insert, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from core.activity import ActivityEvent
from core.features.winback.models import WinbackControl, WinbackProfile
from core.features.winback.selection import TOPICS, chunks
from core.members.models import Member

BATCH = 50_000
HOURS = 24


@dataclass
class _Seen:
    hours: list[int] = field(default_factory=lambda: [0] * HOURS)
    platform: str | None = None
    topic: str | None = None


async def update_all(session: AsyncSession, state: WinbackControl) -> int:
    """Count every activity row after ``state.read_to`` into its member's profile. Returns
    how many rows were read."""
    e = ActivityEvent
    read = 0
    while True:
        rows = (
            await session.execute(
                select(e.id, e.member_id, e.platform, e.feature, e.at)
                .where(e.id > state.read_to)
                .order_by(e.id)
                .limit(BATCH)
            )
        ).all()
        if not rows:
            return read
        seen: dict[int, _Seen] = {}
        for _, member_id, platform, feature, at in rows:
            if member_id is None:
                continue
            found = seen.setdefault(member_id, _Seen())
            found.hours[at.hour] += 1
            found.platform = platform
            if feature in TOPICS:
                found.topic = TOPICS[feature]
        await _add(session, seen)
        state.read_to = rows[-1][0]
        read += len(rows)


async def _add(session: AsyncSession, seen: dict[int, _Seen]) -> None:
    p = WinbackProfile
    known: dict[int, _Seen] = {}
    members: set[int] = set()
    for part in chunks(list(seen)):
        rows = await session.execute(
            select(p.member_id, p.hours, p.platform, p.topic).where(p.member_id.in_(part))
        )
        known |= {m: _Seen(list(hours), platform, topic) for m, hours, platform, topic in rows}
        members |= set(await session.scalars(select(Member.id).where(Member.id.in_(part))))
    fresh, changed = [], []
    for member_id, new in seen.items():
        old = known.get(member_id)
        if old is None:
            if member_id in members:
                fresh.append(
                    {
                        "member_id": member_id,
                        "hours": new.hours,
                        "platform": new.platform,
                        "topic": new.topic,
                    }
                )
            continue
        changed.append(
            {
                "member": member_id,
                "hours": [a + b for a, b in zip(old.hours, new.hours, strict=True)],
                "platform": new.platform or old.platform,
                "topic": new.topic or old.topic,
            }
        )
    connection = await session.connection()
    if fresh:
        await connection.execute(insert(p), fresh)
    if changed:
        await connection.execute(
            update(p)
            .where(p.member_id == bindparam("member"))
            .values(
                hours=bindparam("hours"),
                platform=bindparam("platform"),
                topic=bindparam("topic"),
            ),
            changed,
        )
