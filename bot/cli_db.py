"""One read from the shell: open the configured database, fetch rows, close it again.

The ``tickets`` and ``events`` export commands each need a single query and nothing else of
the app, so they do not build one.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy.sql import Select

from core.db.engine import Database
from core.settings import Settings


async def fetch_all(settings: Settings, statement: Select[Any]) -> list[Any]:
    database = Database(settings.database.url)
    try:
        async with database.session() as session:
            return list(await session.scalars(statement))
    finally:
        await database.dispose()
