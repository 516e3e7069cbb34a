"""The schema Alembic builds is the schema the models describe, on every backend."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import Connection, create_engine, text
from sqlalchemy.ext.asyncio import create_async_engine

from bot.features import load_models
from bot.migrate import upgrade_sync
from core.db.models import metadata

AT = datetime(2026, 11, 1, tzinfo=UTC)


def _drift(connection: Connection) -> list[object]:
    load_models()
    return list(compare_metadata(MigrationContext.configure(connection), metadata))


async def test_upgrade_head_builds_exactly_what_the_models_declare(database_url: str) -> None:
    engine = create_async_engine(database_url)
    async with engine.connect() as connection:
        drift = await connection.run_sync(_drift)
    await engine.dispose()
    assert drift == [], "a model changed without an Alembic revision"


def test_drafts_saved_before_0006_stay_drafts_and_leave_no_gap(tmp_path: Path) -> None:
    path = tmp_path / "old.db"
    upgrade_sync(f"sqlite+aiosqlite:///{path}", "0005")
    engine = create_engine(f"sqlite:///{path}")
    with engine.begin() as connection:
        connection.execute(
            text(
                "INSERT INTO members (id, display_name, dm_opt_out, created_at, last_seen_at) "
                "VALUES (1, 'alice', 0, :at, :at)"
            ),
            {"at": AT},
        )
        for status in ("new", "draft"):
            connection.execute(
                text(
                    "INSERT INTO feedback_items (member_id, category, title, description, "
                    "locale, status, created_at, updated_at) "
                    "VALUES (1, 'feature', :title, '', 'en', :status, :at, :at)"
                ),
                {"title": f"Dark mode ({status})", "status": status, "at": AT},
            )
    upgrade_sync(f"sqlite+aiosqlite:///{path}")
    with engine.connect() as connection:
        items = connection.execute(text("SELECT id, title FROM feedback_items")).all()
        drafts = connection.execute(text("SELECT member_id, title FROM feedback_drafts")).all()
    engine.dispose()
    assert [tuple(row) for row in items] == [(1, "Dark mode (new)")]
    assert [tuple(row) for row in drafts] == [(1, "Dark mode (draft)")]
