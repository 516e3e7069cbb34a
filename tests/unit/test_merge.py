"""Merging two members reaches every table that refers to members, today's and future ones."""

from __future__ import annotations

from sqlalchemy import (
    Column,
    ForeignKey,
    Integer,
    MetaData,
    String,
    Table,
    UniqueConstraint,
    insert,
    select,
)

from bot.app import App
from bot.features import load_models
from core.db import models as schema
from core.events import Actor, Platform
from core.features.accounts import merge
from core.members import service as members


def test_every_column_holding_a_member_id_is_found() -> None:
    load_models()
    found = {f"{c.table.name}.{c.name}" for c in merge.member_columns(schema.metadata)}
    foreign_keys = {
        f"{table.name}.{fk.parent.name}"
        for table in schema.metadata.tables.values()
        for fk in table.foreign_keys
        if fk.column.table.name == "members"
    }
    assert foreign_keys <= found
    assert {"activity_events.member_id", "outbox.member_id"} <= found, "ids without a foreign key"


def _with_future_tables() -> tuple[MetaData, Table, Table, Table]:
    load_models()
    metadata = MetaData()
    for table in schema.metadata.tables.values():
        table.to_metadata(metadata)
    votes = Table(
        "votes",
        metadata,
        Column("id", Integer, primary_key=True),
        Column("member_id", ForeignKey("members.id")),
        Column("item", String(20)),
        UniqueConstraint("member_id", "item"),
    )
    reputation = Table(
        "reputation",
        metadata,
        Column("member_id", ForeignKey("members.id"), primary_key=True),
        Column("points", Integer),
    )
    bounties = Table(
        "bounties",
        metadata,
        Column("id", Integer, primary_key=True),
        Column("opened_by", ForeignKey("members.id")),
        Column("assignee", ForeignKey("members.id")),
    )
    return metadata, votes, reputation, bounties


async def test_future_tables_follow_and_unique_rows_are_kept_once(app: App) -> None:
    metadata, votes, reputation, bounties = _with_future_tables()
    database = app.services.database
    async with database.engine.begin() as connection:
        await connection.run_sync(
            lambda sync: metadata.create_all(sync, tables=[votes, reputation, bounties])
        )
    now = app.services.clock.now()
    async with database.session() as session:
        keep = (await members.resolve(session, Actor(Platform.TELEGRAM, "1", "Ann"), now)).id
        drop = (await members.resolve(session, Actor(Platform.DISCORD, "2", "Ann"), now)).id
        await session.execute(
            insert(votes),
            [
                {"member_id": keep, "item": "dark-mode"},
                {"member_id": drop, "item": "dark-mode"},
                {"member_id": drop, "item": "api"},
            ],
        )
        await session.execute(
            insert(reputation),
            [{"member_id": keep, "points": 10}, {"member_id": drop, "points": 3}],
        )
        await session.execute(insert(bounties), [{"opened_by": drop, "assignee": drop}])
        await session.commit()

        await merge.absorb(session, keep, drop, metadata=metadata)
        await session.commit()

        voted = set(await session.execute(select(votes.c.member_id, votes.c.item)))
        points = list(await session.execute(select(reputation.c.member_id, reputation.c.points)))
        bounty = (await session.execute(select(bounties.c.opened_by, bounties.c.assignee))).one()
    assert voted == {(keep, "dark-mode"), (keep, "api")}
    assert points == [(keep, 10)]
    assert tuple(bounty) == (keep, keep)
