"""The activity log: every inbound event, written in batches so logging never delays a reply.

It is the raw material for analytics (DAU/MAU, retention, feature use): who, where, what
kind, which feature handled it, and when. No message text is stored here. The same batches
write each member's "last seen", so an ordinary message costs no UPDATE and no commit.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from dataclasses import dataclass, replace
from datetime import datetime

from sqlalchemy import Index, String, bindparam, insert, update
from sqlalchemy.orm import Mapped, mapped_column

from core.db.base import Base
from core.db.engine import Database
from core.members.models import Member

log = logging.getLogger(__name__)


class ActivityEvent(Base):
    __tablename__ = "activity_events"
    __table_args__ = (Index("ix_activity_events_member_at", "member_id", "at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    member_id: Mapped[int | None]
    platform: Mapped[str] = mapped_column(String(20))
    place_id: Mapped[str] = mapped_column(String(64))
    place_kind: Mapped[str] = mapped_column(String(20))
    kind: Mapped[str] = mapped_column(String(20))
    feature: Mapped[str] = mapped_column(String(40))
    at: Mapped[datetime] = mapped_column(index=True)


@dataclass(frozen=True)
class ActivityRecord:
    member_id: int | None
    platform: str
    place_id: str
    place_kind: str
    kind: str
    feature: str
    at: datetime


class ActivityLog:
    """Collects records and last-seen times in memory; ``flush`` writes them in one
    transaction (one statement each).

    ``run`` flushes on an interval in the bot; tests and scripts call ``flush`` directly.
    """

    def __init__(self, database: Database, batch_size: int = 200) -> None:
        self._database = database
        self._batch_size = batch_size
        self._pending: list[ActivityRecord] = []
        self._seen: dict[int, datetime] = {}
        self._full = asyncio.Event()
        self._forgotten: set[int] = set()

    def record(self, record: ActivityRecord) -> None:
        if record.member_id in self._forgotten:
            return
        self._pending.append(record)
        if len(self._pending) >= self._batch_size:
            self._full.set()

    def seen(self, member_id: int, at: datetime) -> None:
        """The member was just seen; their row says so at the next flush."""
        previous = self._seen.get(member_id)
        if previous is None or at > previous:
            self._seen[member_id] = at

    def reassign(self, old_member_id: int, new_member_id: int) -> None:
        """Records not yet written follow a member merged into another."""
        self._pending = [
            replace(r, member_id=new_member_id) if r.member_id == old_member_id else r
            for r in self._pending
        ]
        old_seen = self._seen.pop(old_member_id, None)
        if old_seen is not None:
            self.seen(new_member_id, old_seen)

    def forget(self, member_id: int) -> None:
        """A forgotten member (``/privacy forget``): what is pending about them goes, and the
        record of the very event that forgot them is never kept."""
        self._forgotten.add(member_id)
        self._pending = [r for r in self._pending if r.member_id != member_id]
        self._seen.pop(member_id, None)

    async def flush(self) -> int:
        """Writes what is pending. If the write fails (the database away, locked or full),
        the records and last-seen times go back in line, ahead of newer ones, and the error
        is raised: nothing is dropped, the next flush tries again."""
        batch, self._pending = self._pending, []
        seen, self._seen = self._seen, {}
        self._full.clear()
        if not batch and not seen:
            return 0
        try:
            return await self._write(batch, seen)
        except BaseException:
            self._pending = batch + self._pending
            for member, at in seen.items():
                self.seen(member, at)
            raise

    @property
    def pending(self) -> int:
        """Records not yet written."""
        return len(self._pending)

    async def _write(self, batch: list[ActivityRecord], seen: dict[int, datetime]) -> int:
        rows = [record.__dict__ for record in batch]
        # On the engine, not a session: last_seen_at is nothing the member cache keeps.
        async with self._database.engine.begin() as connection:
            if rows:
                await connection.execute(insert(ActivityEvent), rows)
            if seen:
                at = bindparam("at", type_=Member.last_seen_at.type)
                await connection.execute(
                    update(Member)
                    .where(Member.id == bindparam("member"), Member.last_seen_at < at)
                    .values(last_seen_at=at),
                    [{"member": member, "at": at} for member, at in seen.items()],
                )
        return len(rows)

    async def run(self, interval: float = 2.0) -> None:
        """Flushes every ``interval`` (sooner when a batch is full). A failing database is
        logged once when it starts failing and once when writing works again; the records
        wait in memory meanwhile."""
        failing = False
        while True:
            if failing:
                await asyncio.sleep(interval)  # a full batch must not make it retry at once
            else:
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(self._full.wait(), timeout=interval)
            failing = await self.flush_or_keep(failing)

    async def flush_or_keep(self, failing: bool) -> bool:
        """One flush for ``run``; returns whether the database is failing now."""
        try:
            await self.flush()
        except Exception:
            if not failing:
                log.exception(
                    "activity flush failed; %d records kept for the next try", self.pending
                )
            return True
        if failing:
            log.warning("activity flush works again; the kept records are written")
        return False
