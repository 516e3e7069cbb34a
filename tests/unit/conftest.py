"""Unit-test fixtures beyond the shared ones: one app on two fake platforms."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest_asyncio

from bot.app import build_app
from core.clock import ManualClock
from tests.conftest import make_settings
from tests.fakes.fake_adapter import FakeAdapter
from tests.unit.chat import DC, TG, Chat


@pytest_asyncio.fixture
async def chat(database_url: str, clock: ManualClock) -> AsyncIterator[Chat]:
    telegram, discord = FakeAdapter(TG), FakeAdapter(DC)
    app = await build_app(
        make_settings(database_url), clock, {TG: telegram, DC: discord}, migrate=False
    )
    yield Chat(app, clock, telegram, discord)
    await app.close()
