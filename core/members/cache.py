"""Who speaks from an account, remembered between events so an ordinary message needs no query.

Most messages come from members already seen today whose rows have not changed. The cache
keeps a snapshot of each (the member's columns and its identities'), and the router attaches
a fresh copy of it to the event's session without a SELECT. It is kept right by watching
the database's sessions rather than by each writer remembering it: a flush that changes or
deletes a member or an identity (``/language``, a link, an unlink, a merge, a DM refused),
and any bulk UPDATE or DELETE of those tables (a merge moving rows), drops what it touched;
the commit drops it again, so an event that loaded the old row in between cannot bring it
back, and a snapshot read before an invalidation is never stored (``generation``).

``last_seen_at`` in a snapshot is as of when it was taken: the activity log writes the
live value in its batches, and nothing decides on the cached one.
"""

from __future__ import annotations

from collections import OrderedDict
from dataclasses import dataclass
from typing import Any

from sqlalchemy import event, inspect
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import (
    Mapper,
    ORMExecuteState,
    Session,
    UOWTransaction,
    make_transient_to_detached,
)

from core.members.models import Identity, Member

Account = tuple[str, str]
"""(platform, platform user id)"""
WATCHED = frozenset({Member.__tablename__, Identity.__tablename__})
TOUCHED = "townhall_members_touched"
TOUCHED_ALL = "townhall_members_all_touched"


def _columns(obj: Member | Identity) -> dict[str, Any]:
    mapper: Mapper[Any] = inspect(type(obj))
    return {attr.key: getattr(obj, attr.key) for attr in mapper.column_attrs}


@dataclass(frozen=True)
class Snapshot:
    member: dict[str, Any]
    identities: tuple[dict[str, Any], ...]

    @classmethod
    def of(cls, member: Member) -> Snapshot:
        return cls(_columns(member), tuple(_columns(i) for i in member.identities))

    def attach(self, session: AsyncSession) -> Member:
        """A copy of the member, persistent in ``session`` as if just loaded: changes to it
        are flushed as UPDATEs like any loaded row's, and no other event shares it."""
        member = Member(**self.member)
        member.identities = [Identity(**values) for values in self.identities]
        for obj in (member, *member.identities):
            make_transient_to_detached(obj)
        session.add(member)
        return member


class MemberCache:
    """At most ``size`` accounts' snapshots, least recently used dropped first."""

    def __init__(self, size: int = 10_000) -> None:
        self.size = size
        self._snapshots: OrderedDict[Account, Snapshot] = OrderedDict()
        self._accounts_of: dict[int, set[Account]] = {}
        self.generation = 0
        """Bumped by every invalidation: a snapshot read before one is not stored."""

    def get(self, account: Account) -> Snapshot | None:
        found = self._snapshots.get(account)
        if found is not None:
            self._snapshots.move_to_end(account)
        return found

    def put(self, account: Account, member: Member, generation: int) -> None:
        """Remember ``member`` (as committed) unless anything was invalidated since
        ``generation`` was read, before it was loaded."""
        if generation != self.generation or account not in {
            (i.platform, i.platform_user_id) for i in member.identities
        }:
            return
        self._snapshots[account] = Snapshot.of(member)
        self._snapshots.move_to_end(account)
        self._accounts_of.setdefault(member.id, set()).add(account)
        while len(self._snapshots) > self.size:
            _, dropped = self._snapshots.popitem(last=False)
            self._forget(dropped.member["id"])

    def invalidate(self, member_ids: set[int], accounts: set[Account]) -> None:
        self.generation += 1
        for member_id in member_ids:
            accounts |= self._forget(member_id)
        for account in accounts:
            snapshot = self._snapshots.pop(account, None)
            if snapshot is not None:
                self._forget(snapshot.member["id"])

    def clear(self) -> None:
        self.generation += 1
        self._snapshots.clear()
        self._accounts_of.clear()

    def _forget(self, member_id: int) -> set[Account]:
        accounts = self._accounts_of.pop(member_id, set())
        for account in accounts:
            self._snapshots.pop(account, None)
        return accounts

    def watch(self, session_class: type[Session]) -> None:
        """Keep right through every session of ``session_class`` (one database's)."""
        event.listen(session_class, "after_flush", self._flushed)
        event.listen(session_class, "after_commit", self._committed)
        event.listen(session_class, "after_soft_rollback", self._rolled_back)
        event.listen(session_class, "do_orm_execute", self._executing)

    def _flushed(self, session: Session, _flush: UOWTransaction) -> None:
        member_ids: set[int] = set()
        accounts: set[Account] = set()
        for obj in (*session.dirty, *session.deleted):
            if isinstance(obj, Member):
                member_ids.add(obj.id)
            elif isinstance(obj, Identity):
                accounts.add((obj.platform, obj.platform_user_id))
                history = inspect(obj).attrs.member_id.history
                member_ids.update(m for m in (*history.deleted, obj.member_id) if m is not None)
        if member_ids or accounts:
            touched = session.info.setdefault(TOUCHED, (set(), set()))
            touched[0].update(member_ids)
            touched[1].update(accounts)
            self.invalidate(set(member_ids), set(accounts))

    def _committed(self, session: Session) -> None:
        touched = session.info.pop(TOUCHED, None)
        if session.info.pop(TOUCHED_ALL, False):
            self.clear()
        elif touched is not None:
            self.invalidate(*touched)

    def _rolled_back(self, session: Session, _transaction: object) -> None:
        session.info.pop(TOUCHED, None)
        session.info.pop(TOUCHED_ALL, None)

    def _executing(self, state: ORMExecuteState) -> None:
        """A bulk UPDATE or DELETE (a merge moving rows) may touch any member: forget all."""
        if not (state.is_update or state.is_delete):
            return
        if getattr(getattr(state.statement, "table", None), "name", None) in WATCHED:
            self.clear()
            state.session.info[TOUCHED_ALL] = True
