"""One platform's start-up failure is that platform's alone: retried when it may pass,
reported in one line when it cannot."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from typing import Any

import pytest

from adapters.base import StartRefused, StartUnreachable
from bot import runner
from core.events import Platform


@dataclass
class Flaky:
    """An adapter whose first starts fail with ``failures``, in order."""

    failures: list[Exception]
    platform: Platform = Platform.TELEGRAM
    stops: int = 0
    started: bool = False

    async def start(self, handle: Any) -> None:
        if self.failures:
            raise self.failures.pop(0)
        self.started = True

    async def stop(self) -> None:
        self.stops += 1


@dataclass
class Joined:
    platforms: list[Platform] = field(default_factory=list)

    def add(self, platform: Platform, adapter: object) -> None:
        self.platforms.append(platform)


@dataclass
class App:
    dispatcher: Joined = field(default_factory=Joined)
    services: Any = None

    def __post_init__(self) -> None:
        self.services = type("Services", (), {"places": Joined()})()

    async def handle(self, event: object) -> list[object]:
        return []


async def test_an_unreachable_platform_is_retried_with_growing_waits(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    waits: list[float] = []

    async def sleep(seconds: float) -> None:
        waits.append(seconds)

    monkeypatch.setattr(runner.asyncio, "sleep", sleep)
    failures: list[Exception] = [StartUnreachable("Bad Gateway (502)")] * 8
    adapter, app = Flaky(failures), App()
    assert await runner.bring_up(adapter, app)  # type: ignore[arg-type]
    assert waits == [1, 2, 4, 8, 16, 32, 60, 60]
    assert adapter.started and adapter.stops == 8
    assert app.dispatcher.platforms == [Platform.TELEGRAM]


async def test_a_refused_token_is_one_line_and_no_retry(
    caplog: pytest.LogCaptureFixture,
) -> None:
    adapter, app = Flaky([StartRefused("Telegram rejected the bot token (Unauthorized)")]), App()
    with caplog.at_level(logging.INFO):
        assert not await runner.bring_up(adapter, app)  # type: ignore[arg-type]
    assert [r.getMessage() for r in caplog.records] == [
        "telegram stays off: Telegram rejected the bot token (Unauthorized); "
        "the other platforms keep running"
    ]
    assert caplog.records[0].exc_info is None and app.dispatcher.platforms == []
