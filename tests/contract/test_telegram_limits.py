"""Telegram under load, through the real python-telegram-bot: updates run concurrently, one
chat's in order, and every answer keeps to Telegram's limits (the fake answers 429 past
1 message a second per chat, 20 a minute per group, 30 a second in all).

Time is the test's own: the adapter's pacing and the fake's limits read one clock that
moves when the pacing waits, so minutes of rate limits take no real time.
"""

from __future__ import annotations

import asyncio
from pathlib import Path

from adapters.telegram.adapter import OVERALL
from core.ratelimit import Pacing
from tests.contract.conftest import running
from tests.fakes.telegram_api import TelegramFake, user

GROUP = -1001000000077
QUESTION = "how do i link my telegram account?"
FIRST_MEMBER = 5000
FIRST_ASKER = 6000


class MovedTime:
    """Monotonic seconds that jump ahead whenever someone waits: no waiting for real."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now

    async def sleep(self, seconds: float) -> None:
        self.now = max(self.now, self.now + seconds)
        await asyncio.sleep(0)


async def test_dms_are_answered_while_a_bursting_group_waits_its_turn_in_order(
    tmp_path: Path,
) -> None:
    time = MovedTime()
    fake = TelegramFake(rate_limit_per_second=30, chat_limits=True, now=time)
    async with fake:
        help_channels = {"help_channels": [f"telegram:{GROUP}"]}
        async with running(tmp_path, telegram=fake, faq=help_channels) as world:
            assert world.telegram is not None
            world.telegram.pacing = Pacing(OVERALL, now=time, sleep=time.sleep)
            harness = world.telegram_harness(fake)
            # The group's first message is held in the core until every DM is answered: if a
            # DM waited for anything of the group's, this test would time out.
            held = asyncio.Event()
            burst = []
            for n in range(50):
                time.now += 0.2
                sender = user(FIRST_MEMBER + n, f"member{n}")
                burst.append(fake.push_message(QUESTION, chat_id=GROUP, sender=sender))
                if n == 0:
                    world.recorder.gates[str(burst[0]["update_id"])] = held
            askers = [FIRST_ASKER + n for n in range(20)]
            for asker in askers:
                fake.push_message(QUESTION, chat_id=asker, sender=user(asker, "asker"))
            await harness.until(lambda: all(harness.sent_to(asker) for asker in askers))
            assert harness.sent_to(GROUP) == []
            held.set()
            await harness.until(lambda: len(harness.sent_to(GROUP)) == 50, seconds=60)
            answers = [c for c in fake.calls if c.method == "sendMessage" and c.status == 200]
    group_answers = harness.sent_to(GROUP)
    assert [a["reply_parameters"]["message_id"] for a in group_answers] == [
        b["message"]["message_id"] for b in burst
    ], "the group's answers come in the order of its messages"
    assert fake.count_429 == 0
    group_times = [c.at for c in answers if c.params["chat_id"] == GROUP]
    assert group_times[-1] - group_times[0] >= 120, "20 a minute in the group"
