"""The command line as operators meet it: --version, make run, db upgrade, script lines."""

from __future__ import annotations

import io
import subprocess
from pathlib import Path

import pytest

from adapters.console.adapter import Transcript
from adapters.console.session import ConsoleSession
from bot.cli import main
from core.clock import ManualClock
from core.events import IncomingEvent, OutgoingMessage
from tests.conftest import START

REPO = Path(__file__).resolve().parents[2]


def test_version_names_the_installed_release(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exited:
        main(["--version"])
    assert exited.value.code == 0
    assert capsys.readouterr().out.startswith("townhall 0.")


def test_make_run_reads_config_toml_as_the_readme_says() -> None:
    planned = subprocess.run(
        ["make", "-n", "run"], cwd=REPO, capture_output=True, text=True, check=True
    ).stdout
    assert ".venv/bin/townhall run --config config.toml" in planned


def test_db_upgrade_does_not_need_the_knowledge_folder(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    config = tmp_path / "config.toml"
    url = f"sqlite+aiosqlite:///{tmp_path}/townhall.db"
    config.write_text(
        f'[database]\nurl = "{url}"\n\n[knowledge]\ndir = "{tmp_path}/not-there"\n',
        encoding="utf-8",
    )
    main(["db", "upgrade", "--config", str(config)])
    assert capsys.readouterr().out.strip() == f"database at head: {url}"


async def test_a_double_at_sends_a_line_starting_with_at() -> None:
    said: list[IncomingEvent] = []

    async def handle(event: IncomingEvent) -> list[OutgoingMessage]:
        said.append(event)
        return []

    async def tick() -> None:
        return None

    session = ConsoleSession(handle, tick, ManualClock(START), Transcript(io.StringIO()))
    await session.line("@@everyone look at this")
    await session.line("@@@here")
    assert [event.text for event in said] == ["@everyone look at this", "@@here"]
