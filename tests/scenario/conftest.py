"""Scenario tests run console scripts, exactly as ``townhall chat --script`` does."""

from __future__ import annotations

import io
import textwrap
from collections.abc import Awaitable, Callable
from typing import Any

import pytest

from adapters.console.adapter import Transcript
from bot.console import run_console
from tests.conftest import START, make_settings

Messages = list[dict[str, Any]]
RunScript = Callable[..., Awaitable[Messages]]


@pytest.fixture
def run_script(database_url: str) -> RunScript:
    async def run(script: str, **sections: dict[str, object]) -> Messages:
        transcript = Transcript(io.StringIO(), as_json=True)
        lines = io.StringIO(textwrap.dedent(script))
        code = await run_console(
            make_settings(database_url, **sections),
            lines,
            interactive=False,
            transcript=transcript,
            start=START,
        )
        assert code == 0, "the script stopped on a bad line"
        return transcript.messages

    return run
