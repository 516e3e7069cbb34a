"""Two members become one: every row that points at one of them moves to the other.

The tables are found, not listed: every foreign key to ``members.id`` and every column named
``member_id`` (the outbox and the activity log keep ids without a constraint). A feature
added later (tickets, feedback, votes, reputation) is merged with no code here, as long as
its models are imported in core/db/models.py. Where a unique constraint includes the member
column (one vote per member and item), the kept member's row stays and the other is
dropped, so a merge never fails on a duplicate; a table whose ``info`` names ``merge_sum``
columns (running totals, counters) first adds the dropped row's values to the kept row's,
``merge_min`` columns (the day of a first time) keep the earlier, ``merge_or`` columns (bit
sets of days) keep both.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import (
    Column,
    ColumnElement,
    MetaData,
    PrimaryKeyConstraint,
    Table,
    UniqueConstraint,
    and_,
    case,
    delete,
    exists,
    func,
    select,
    update,
)
from sqlalchemy.ext.asyncio import AsyncSession

from core.db import models as schema
from core.members.models import Member

MEMBERS = "members"
MEMBER_ID_NAME = "member_id"
MERGE_RULES = ("merge_sum", "merge_min", "merge_or")


def member_columns(metadata: MetaData) -> list[Column[int]]:
    """Every column that holds a member's id, in dependency order of their tables."""
    found: list[Column[int]] = []
    for table in metadata.sorted_tables:
        for column in table.columns:
            if table.name == MEMBERS and column.primary_key:
                continue
            refers = any(fk.target_fullname == f"{MEMBERS}.id" for fk in column.foreign_keys)
            if refers or column.name == MEMBER_ID_NAME:
                found.append(column)
    return found


def unique_sets(table: Table, column: Column[int]) -> list[tuple[Column[int], ...]]:
    """The column groups that must stay unique and include ``column``."""
    groups: list[tuple[Column[int], ...]] = []
    for constraint in table.constraints:
        if not isinstance(constraint, UniqueConstraint | PrimaryKeyConstraint):
            continue
        if constraint.columns.contains_column(column):
            groups.append(tuple(constraint.columns))
    for index in table.indexes:
        if index.unique and index.columns.contains_column(column):
            groups.append(tuple(index.columns))
    if column.unique and (column,) not in groups:
        groups.append((column,))
    return groups


async def absorb(
    session: AsyncSession, keep_id: int, drop_id: int, *, metadata: MetaData | None = None
) -> None:
    """Move everything of member ``drop_id`` onto ``keep_id``, then delete ``drop_id``.

    ``keep_id``'s settings win unless unset; an opt-out on either side stays an opt-out.
    Runs as plain SQL in the caller's transaction, so the session is emptied afterwards:
    objects loaded before must be fetched again. Flushes, does not commit.
    """
    await session.flush()
    keep = await session.get_one(Member, keep_id)
    drop = await session.get_one(Member, drop_id)
    settings = {
        "locale": keep.locale or drop.locale,
        "dm_platform": keep.dm_platform or drop.dm_platform,
        "dm_opt_out": keep.dm_opt_out or drop.dm_opt_out,
        "created_at": min(keep.created_at, drop.created_at),
        "last_seen_at": max(keep.last_seen_at, drop.last_seen_at),
    }
    for column in member_columns(metadata or schema.metadata):
        table = column.table
        assert isinstance(table, Table)
        for group in unique_sets(table, column):
            kept = table.alias("kept")
            same_elsewhere = [kept.c[c.name] == c for c in group if c is not column]
            clash = exists(
                select(kept.c[column.name]).where(
                    and_(kept.c[column.name] == keep_id, *same_elsewhere)
                )
            )
            await _add_up(session, table, column, group, keep_id, drop_id)
            await session.execute(delete(table).where(column == drop_id, clash))
        await session.execute(update(table).where(column == drop_id).values({column.name: keep_id}))
    unsynced = {"synchronize_session": False}
    await session.execute(
        update(Member).where(Member.id == keep_id).values(settings), execution_options=unsynced
    )
    await session.execute(delete(Member).where(Member.id == drop_id), execution_options=unsynced)
    session.expunge_all()


def _combined(mine: ColumnElement[Any], theirs: ColumnElement[Any], how: str) -> Any:
    if how == "merge_sum":
        return mine + theirs
    if how == "merge_or":
        return mine.op("|")(theirs)
    return func.coalesce(case((theirs < mine, theirs), else_=mine), theirs)


async def _add_up(
    session: AsyncSession,
    table: Table,
    column: Column[int],
    group: tuple[Column[int], ...],
    keep_id: int,
    drop_id: int,
) -> None:
    """The kept row takes both rows' ``merge_sum`` / ``merge_min`` / ``merge_or`` columns
    combined where both exist."""
    combined = {name: how for how in MERGE_RULES for name in table.info.get(how, ())}
    if not combined:
        return
    dropped = table.alias("dropped")
    matching = and_(
        dropped.c[column.name] == drop_id,
        *(dropped.c[c.name] == c for c in group if c is not column),
    )
    await session.execute(
        update(table)
        .where(column == keep_id, exists(select(dropped.c[column.name]).where(matching)))
        .values(
            {
                name: _combined(
                    table.c[name],
                    select(dropped.c[name]).where(matching).scalar_subquery(),
                    how,
                )
                for name, how in combined.items()
            }
        )
    )
