"""Shared fixtures: a database built by ``alembic upgrade head`` once, copied per test."""

from __future__ import annotations

import shutil
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

from bot.app import App, build_app
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


@pytest.fixture
def database_url(migrated_template: Path, tmp_path: Path) -> str:
    copy = tmp_path / "townhall.db"
    shutil.copy(migrated_template, copy)
    return f"sqlite+aiosqlite:///{copy}"


def make_settings(
    database_url: str, knowledge: Path = KNOWLEDGE, **sections: dict[str, object]
) -> Settings:
    data: dict[str, object] = {
        "database": {"url": database_url},
        "knowledge": {"dir": str(knowledge)},
    }
    data.update(sections)
    return Settings.model_validate(data)


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
