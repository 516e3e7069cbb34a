"""Killing a child process with SIGKILL at a counted point, for the crash scenarios."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from collections.abc import Callable

from tests.conftest import REPO


def killer(count: int) -> Callable[[], None]:
    """A function that kills this process (SIGKILL, no clean-up) on its ``count``-th call."""
    seen = 0

    def maybe_die() -> None:
        nonlocal seen
        seen += 1
        if seen == count:
            os.kill(os.getpid(), signal.SIGKILL)

    return maybe_die


def run_child(module: str, *args: str) -> int:
    """``python -m module args...`` from the repository; its exit code (-9 when killed)."""
    child = subprocess.run(
        [sys.executable, "-m", module, *args], cwd=REPO, capture_output=True, timeout=300
    )
    return child.returncode
