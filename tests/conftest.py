"""Shared fixtures: a database built by ``alembic upgrade head`` once, copied per test.

Every test that takes ``database_url`` runs on SQLite, and again on PostgreSQL when
TOWNHALL_TEST_POSTGRES_URL names a server (``.ci/postgres`` starts one; ``.ci/run`` does).
Under pytest-xdist (``make test`` runs one worker per core) each worker builds its own
templates and every database name carries a random suffix, so workers share none.
"""

from __future__ import annotations

import asyncio
import os
import shutil
import uuid
from collections.abc import AsyncIterator, Iterator
from datetime import UTC, datetime
from pathlib import Path

import asyncpg
import pytest
from sqlalchemy.engine import URL, make_url

from bot.app import App, build_app
from bot.features import settings_model
from bot.migrate import upgrade_sync
from core.clock import ManualClock
from core.events import Platform
from core.settings import Settings
from tests.fakes.fake_adapter import FakeAdapter

REPO = Path(__file__).resolve().parent.parent
KNOWLEDGE = REPO / "knowledge"
START = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)


@pytest.fixture(scope="session")
def migrated_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("template") / "head.db"
    upgrade_sync(f"sqlite+aiosqlite:///{path}")
    return path


POSTGRES_URL = os.environ.get("TOWNHALL_TEST_POSTGRES_URL")
BACKENDS = ["sqlite", "postgresql"] if POSTGRES_URL else ["sqlite"]


def _postgres_admin(statement: str) -> None:
    assert POSTGRES_URL is not None
    url = make_url(POSTGRES_URL)

    async def run() -> None:
        connection = await asyncpg.connect(
            host=url.host, port=url.port, user=url.username, database=url.database
        )
        try:
            await connection.execute(statement)
        finally:
            await connection.close()

    asyncio.run(run())


@pytest.fixture(scope="session")
def postgres_template() -> Iterator[URL]:
    """A PostgreSQL database at head that each test clones (CREATE DATABASE ... TEMPLATE)."""
    assert POSTGRES_URL is not None
    name = f"townhall_template_{uuid.uuid4().hex[:8]}"
    _postgres_admin(f'CREATE DATABASE "{name}"')
    template = make_url(POSTGRES_URL).set(database=name)
    upgrade_sync(template.render_as_string(hide_password=False))
    yield template
    _postgres_admin(f'DROP DATABASE "{name}" WITH (FORCE)')


@pytest.fixture(params=BACKENDS)
def database_url(
    request: pytest.FixtureRequest, migrated_template: Path, tmp_path: Path
) -> Iterator[str]:
    if request.param == "sqlite":
        copy = tmp_path / "townhall.db"
        shutil.copy(migrated_template, copy)
        yield f"sqlite+aiosqlite:///{copy}"
        return
    template: URL = request.getfixturevalue("postgres_template")
    name = f"townhall_test_{uuid.uuid4().hex[:12]}"
    _postgres_admin(f'CREATE DATABASE "{name}" TEMPLATE "{template.database}"')
    yield template.set(database=name).render_as_string(hide_password=False)
    _postgres_admin(f'DROP DATABASE "{name}" WITH (FORCE)')


def make_settings(
    database_url: str, knowledge: Path = KNOWLEDGE, **sections: dict[str, object]
) -> Settings:
    data: dict[str, object] = {
        "database": {"url": database_url},
        "knowledge": {"dir": str(knowledge)},
    }
    data.update(sections)
    return settings_model().model_validate(data)


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock(START)


@pytest.fixture
def fake() -> FakeAdapter:
    return FakeAdapter()


@pytest.fixture
async def app(database_url: str, clock: ManualClock, fake: FakeAdapter) -> AsyncIterator[App]:
    built = await build_app(
        make_settings(database_url), clock, {Platform.TELEGRAM: fake}, migrate=False
    )
    yield built
    await built.close()
