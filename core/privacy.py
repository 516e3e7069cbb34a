"""What each feature says about the personal data in its tables: how to export a member's
rows and how to forget the member.

A feature declares ``Feature(personal_data=PersonalData(...))`` naming every table it owns,
personal or not; ``/privacy export`` and ``/privacy forget`` (core/features/privacy) call
every feature's part, so a new feature's tables are exported and forgotten by its own code,
and a test fails for any table no feature answers for.
"""

from __future__ import annotations

import base64
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from sqlalchemy import Table, delete, select, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import InstrumentedAttribute

Column = InstrumentedAttribute[Any]
"""A model's column, e.g. ``Rsvp.member_id``."""

PLACEHOLDER = "[forgotten]"
"""What stands where a forgotten member's words or name were, in rows others still need."""


@dataclass
class Forgetting:
    """One forget in progress: who, and what the parts report back."""

    member_id: int
    now: datetime
    traces: set[str] = field(default_factory=set)
    """The member's names and platform ids: whatever still carries them is scrubbed."""
    words: set[str] = field(default_factory=set)
    """What the member wrote that a part removed, so copies elsewhere (sent messages) go too."""
    kept: list[str] = field(default_factory=list)
    """What was kept and why, each an English sentence marked with ``N_`` in the part's
    module (translated when the member is told)."""

    def wrote(self, *texts: str | None) -> None:
        self.words.update(t for t in texts if t and t != PLACEHOLDER)

    def keep(self, why: str) -> None:
        if why not in self.kept:
            self.kept.append(why)


Exporter = Callable[[AsyncSession, int], Awaitable[dict[str, Any]]]
Forgetter = Callable[[AsyncSession, Forgetting], Awaitable[None]]


@dataclass(frozen=True)
class PersonalData:
    tables: tuple[str, ...]
    """Every table the feature owns, personal or not."""
    export: Exporter | None = None
    """The member's rows as JSON-ready values, under keys the README documents."""
    forget: Forgetter | None = None
    """Deletes the member's rows and anonymises those others need; flushes, never commits."""


def plain(value: Any) -> Any:
    """A column's value as JSON can hold it."""
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, bytes):
        return base64.b64encode(value).decode()
    return value


def table_of(column: Column) -> Table:
    table: Table = column.class_.__table__
    return table


async def rows_of(session: AsyncSession, column: Column, member_id: int) -> list[dict[str, Any]]:
    """Every row of ``column``'s table where it is the member, all columns, in id order."""
    table = table_of(column)
    found = await session.execute(
        select(table).where(column == member_id).order_by(*table.primary_key.columns)
    )
    return [{k: plain(v) for k, v in row._mapping.items()} for row in found]


async def delete_rows(session: AsyncSession, *columns: Column, member_id: int) -> None:
    for column in columns:
        await session.execute(delete(table_of(column)).where(column == member_id))


async def clear(session: AsyncSession, *columns: Column, member_id: int) -> None:
    """The member's id removed from rows that stay (who approved, who gave)."""
    for column in columns:
        await session.execute(
            update(table_of(column)).where(column == member_id).values({column.key: None})
        )


def owned(
    tables: Sequence[str],
    own: Sequence[Column] = (),
    mentions: Sequence[Column] = (),
) -> PersonalData:
    """The usual part: rows that are the member's (``own``) are exported and deleted; rows
    that only name them (``mentions``: who approved, who organised) lose the name."""

    async def export(session: AsyncSession, member_id: int) -> dict[str, Any]:
        return {table_of(column).name: await rows_of(session, column, member_id) for column in own}

    async def forget(session: AsyncSession, forgetting: Forgetting) -> None:
        await clear(session, *mentions, member_id=forgetting.member_id)
        await delete_rows(session, *own, member_id=forgetting.member_id)

    return PersonalData(tuple(tables), export if own else None, forget)
