"""``make bench``: every benchmark, one after another, each printing its own figures."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
BENCHMARKS = [
    "faq_bench.py",
    "feedback_bench.py",
    "outbox_bench.py",
    "events_bench.py",
    "reputation_bench.py",
    "router_bench.py",
    "lifecycle_bench.py",
    "winback_bench.py",
    "discord_bench.py",
    "stats_bench.py",
    "recommendations_bench.py",
]


def main() -> int:
    failed = 0
    for name in BENCHMARKS:
        path = HERE / name
        print(f"\n### {name}", flush=True)
        failed += subprocess.run([sys.executable, str(path)], check=False).returncode != 0
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
