"""The rollup sweep: activity log rows in, per-member-per-day and per-day figures out.

Incremental: it reads only rows past its high-water mark (the activity log's id), and saves
the new mark in the transaction that saves what it folded in, so a re-run or a restart in
the middle never counts a row twice or skips one. A late row (an event that happened
yesterday but was written today) lands on its own day, whatever its id. On PostgreSQL the
mark's row is locked for the pass, so the bot's sweep and ``townhall stats`` run one after
the other.

Activity is a message, a command or a button press; a join only dates the member's start;
leaving and reacting are counted per day but make no one active.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import Table, case, func, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession

from core.activity import ActivityEvent
from core.clock import as_utc
from core.features.analytics.models import (
    BLOCK_DAYS,
    DayCount,
    MemberDay,
    MemberStart,
    Presence,
    RollupState,
)

MARK = "activity_id"
CHUNK = 20_000
"""Rows read per statement: bounded memory, whatever the backlog."""
ACTIVE_KINDS = {"message": "messages", "command": "commands", "action": "presses"}
JOINED = "member_joined"


class DayOf:
    """A UTC moment's calendar day number (``date.toordinal()``) in the community's zone.

    Offsets change only on quarter hours, so each quarter hour is converted once."""

    def __init__(self, zone: str) -> None:
        self._zone = ZoneInfo(zone)
        self._cache: dict[datetime, int] = {}

    def __call__(self, at: datetime) -> int:
        at = as_utc(at)
        quarter = at.replace(minute=at.minute - at.minute % 15, second=0, microsecond=0)
        day = self._cache.get(quarter)
        if day is None:
            day = self._cache[quarter] = quarter.astimezone(self._zone).toordinal()
            if len(self._cache) > 100_000:
                self._cache.clear()
        return day

    def start(self, day: int) -> datetime:
        """The UTC moment the day begins."""
        local = datetime.combine(date.fromordinal(day), datetime.min.time(), self._zone)
        return local.astimezone(UTC)

    def end(self, day: int) -> datetime:
        return self.start(day + 1) - timedelta(microseconds=1)


@dataclass
class _Batch:
    member_days: dict[tuple[int, int, str, str], list[int]] = field(default_factory=dict)
    presence: dict[tuple[int, str, int], int] = field(default_factory=dict)
    starts: dict[tuple[int, str], list[int | None]] = field(default_factory=dict)
    day_counts: dict[tuple[int, str, str, str], int] = field(default_factory=dict)

    def add(self, member_id: int | None, platform: str, kind: str, feature: str, day: int) -> None:
        key = (day, platform, kind, feature)
        self.day_counts[key] = self.day_counts.get(key, 0) + 1
        if member_id is None:
            return
        column = ACTIVE_KINDS.get(kind)
        if column is None and kind != JOINED:
            return
        start = self.starts.setdefault((member_id, platform), [None, None, None])
        if column is None:
            start[0] = _earlier(start[0], day)
            return
        start[1] = _earlier(start[1], day)
        if kind == "message":
            start[2] = _earlier(start[2], day)
        counts = self.member_days.setdefault((member_id, day, platform, feature), [0, 0, 0])
        counts[list(ACTIVE_KINDS).index(kind)] += 1
        block = (member_id, platform, day // BLOCK_DAYS)
        self.presence[block] = self.presence.get(block, 0) | (1 << (day % BLOCK_DAYS))


def _earlier(known: int | None, day: int) -> int:
    return day if known is None or day < known else known


async def roll_up(session: AsyncSession, zone: str, *, limit: int | None = None) -> int:
    """Folds activity rows past the mark into the rollups; the rows read (at most about
    ``limit``). Flushes, does not commit: the caller commits, mark and figures together."""
    day_of = DayOf(zone)
    state = await session.scalar(
        select(RollupState).where(RollupState.name == MARK).with_for_update()
    )
    if state is None:
        state = RollupState(name=MARK, value=0)
        session.add(state)
    done = 0
    while limit is None or done < limit:
        rows = (
            await session.execute(
                select(
                    ActivityEvent.id,
                    ActivityEvent.member_id,
                    ActivityEvent.platform,
                    ActivityEvent.kind,
                    ActivityEvent.feature,
                    ActivityEvent.at,
                )
                .where(ActivityEvent.id > state.value)
                .order_by(ActivityEvent.id)
                .limit(CHUNK)
            )
        ).all()
        if not rows:
            break
        batch = _Batch()
        for _, member_id, platform, kind, feature, at in rows:
            batch.add(member_id, platform, kind, feature, day_of(at))
        await _save(session, batch)
        state.value = rows[-1][0]
        done += len(rows)
    await session.flush()
    return done


async def _save(session: AsyncSession, batch: _Batch) -> None:
    await _upsert(
        session,
        MemberDay.__table__,
        [
            {
                "member_id": m,
                "day": d,
                "platform": p,
                "feature": f,
                "messages": c[0],
                "commands": c[1],
                "presses": c[2],
            }
            for (m, d, p, f), c in batch.member_days.items()
        ],
        keys=("member_id", "day", "platform", "feature"),
        add=("messages", "commands", "presses"),
    )
    await _upsert(
        session,
        Presence.__table__,
        [
            {"member_id": m, "platform": p, "block": b, "days": bits}
            for (m, p, b), bits in batch.presence.items()
        ],
        keys=("member_id", "platform", "block"),
        union=("days",),
    )
    await _upsert(
        session,
        MemberStart.__table__,
        [
            {
                "member_id": m,
                "platform": p,
                "joined_day": s[0],
                "first_active_day": s[1],
                "first_message_day": s[2],
            }
            for (m, p), s in batch.starts.items()
        ],
        keys=("member_id", "platform"),
        earliest=("joined_day", "first_active_day", "first_message_day"),
    )
    await _upsert(
        session,
        DayCount.__table__,
        [
            {"day": d, "platform": p, "kind": k, "feature": f, "events": n}
            for (d, p, k, f), n in batch.day_counts.items()
        ],
        keys=("day", "platform", "kind", "feature"),
        add=("events",),
    )


async def _upsert(
    session: AsyncSession,
    table: Any,
    rows: Sequence[dict[str, Any]],
    *,
    keys: Iterable[str],
    add: Iterable[str] = (),
    union: Iterable[str] = (),
    earliest: Iterable[str] = (),
) -> None:
    """Insert, or fold into the row already there: counts added, bit sets joined, firsts
    kept earliest (a missing first is no first)."""
    if not rows:
        return
    assert isinstance(table, Table)
    dialect = session.get_bind().dialect.name
    statement = (postgresql.insert if dialect == "postgresql" else sqlite.insert)(table)
    new = statement.excluded
    values: dict[str, Any] = {}
    for name in add:
        values[name] = table.c[name] + new[name]
    for name in union:
        values[name] = table.c[name].op("|")(new[name])
    for name in earliest:
        values[name] = _earliest(table.c[name], new[name])
    upsert = statement.on_conflict_do_update(index_elements=list(keys), set_=values)
    for start in range(0, len(rows), 5_000):
        await session.execute(upsert, rows[start : start + 5_000])


def _earliest(mine: Any, theirs: Any) -> Any:
    return func.coalesce(case((theirs < mine, theirs), else_=mine), theirs)
