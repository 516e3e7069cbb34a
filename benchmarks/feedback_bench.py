"""Feedback benchmark: how long themes and the similar-item check take as feedback grows.

Usage::

    python benchmarks/feedback_bench.py

The texts are synthetic (English and Chinese requests built from a few dozen topics, with
filler), so the figures measure speed, not theme quality; the unit and scenario tests check
quality on hand-written texts.
"""

from __future__ import annotations

import asyncio
import random
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from bot.migrate import upgrade_sync  # noqa: E402
from core.db.engine import Database  # noqa: E402
from core.features.feedback.models import FeedbackItem  # noqa: E402
from core.features.feedback.service import FeedbackService  # noqa: E402
from core.features.feedback.settings import FeedbackSettings  # noqa: E402
from core.features.feedback.themes import FEEDBACK, QUESTION, Document  # noqa: E402

TOPICS = [
    *("dark mode", "login fails", "export csv", "slow search", "push notifications"),
    *("calendar of events", "password reset email", "android crash", "ios widget"),
    *("billing invoice", "profile avatar", "emoji reactions", "weekly digest", "api tokens"),
    *("暗黑模式", "无法登录", "导出数据", "搜索太慢", "通知太多", "活动日历", "密码重置"),
]
FILLER = ["please add", "it would be great", "when will you", "I really need", "希望", "能不能"]
EXTRA = ["today", "again", "after the update", "on my phone", "at work", "for the team"]
SIZES = (1000, 3000, 5000)
NOW = datetime(2026, 11, 23, tzinfo=UTC)


def texts(count: int, seed: int = 0) -> list[str]:
    rng = random.Random(seed)
    return [
        " ".join([rng.choice(FILLER), rng.choice(TOPICS), *rng.sample(EXTRA, rng.randint(1, 6))])
        for _ in range(count)
    ]


def bench_themes(service: FeedbackService) -> None:
    print("themes: texts, seconds, themes found")
    for size in SIZES:
        documents = [
            Document(text, FEEDBACK if i % 3 else QUESTION, i) for i, text in enumerate(texts(size))
        ]
        started = time.perf_counter()
        themes = service.themes.cluster(documents)
        print(f"  {size:>5}  {time.perf_counter() - started:6.2f} s  {len(themes)}")


async def bench_similar(service: FeedbackService) -> None:
    print("similar items: open items, first check (builds the index), later checks (p50)")
    for size in (500, 2000, 5000):
        with tempfile.TemporaryDirectory() as folder:
            url = f"sqlite+aiosqlite:///{folder}/bench.db"
            await asyncio.to_thread(upgrade_sync, url)
            database = Database(url)
            async with database.session() as session:
                session.add_all(
                    FeedbackItem(
                        category="feature",
                        title=text,
                        description="",
                        locale="en",
                        status="new",
                        created_at=NOW,
                        updated_at=NOW,
                    )
                    for text in texts(size, seed=1)
                )
                await session.commit()
                finder = FeedbackService(FeedbackSettings()).similar
                started = time.perf_counter()
                await finder.find(session, "please add a dark mode", "")
                first = time.perf_counter() - started
                later = []
                for query in texts(50, seed=2):
                    started = time.perf_counter()
                    await finder.find(session, query, "")
                    later.append(time.perf_counter() - started)
            await database.dispose()
        later.sort()
        print(f"  {size:>5}  {first * 1000:7.0f} ms  {later[len(later) // 2] * 1000:6.1f} ms")


def main() -> int:
    service = FeedbackService(FeedbackSettings())
    bench_themes(service)
    asyncio.run(bench_similar(service))
    return 0


if __name__ == "__main__":
    sys.exit(main())
