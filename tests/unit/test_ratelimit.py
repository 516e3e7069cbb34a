"""The limits shared by the outbox and answers in context, on a hand-moved clock."""

from __future__ import annotations

from core.ratelimit import ErrorBudget, Limit, Pacing

BAN_AT = 10_000


class Time:
    def __init__(self) -> None:
        self.now = 0.0
        self.slept: list[float] = []

    def __call__(self) -> float:
        return self.now

    async def sleep(self, seconds: float) -> None:
        self.slept.append(seconds)
        self.now += seconds


async def test_an_answer_leaves_at_once_when_its_chat_has_room_and_waits_when_not() -> None:
    time = Time()
    pacing = Pacing(Limit(30, 1.0), now=time, sleep=time.sleep)
    chat = [("42", Limit(1, 1.0))]
    await pacing.acquire(chat)
    await pacing.acquire([("43", Limit(1, 1.0))])
    assert time.slept == [], "other chats are not held up"
    await pacing.acquire(chat)
    assert time.slept == [1.0], "the same chat waits out its second"


async def test_refusals_slow_requests_long_before_the_ban_even_if_all_are_refused() -> None:
    time = Time()
    budget = ErrorBudget(per_seconds=600, slow_from=1_000, ceiling=5_000, now=time)
    most = 0
    # Ten minutes of a bot whose every request is refused, at up to 50 requests a second.
    while time.now < 1_800:
        time.now += max(budget.wait_time(), 0.02)
        budget.take()
        budget.refused()
        most = max(most, budget.count)
    assert 1_000 < most < 5_000 < BAN_AT


def test_below_the_threshold_refusals_do_not_slow_anything() -> None:
    time = Time()
    budget = ErrorBudget(per_seconds=600, slow_from=1_000, ceiling=5_000, now=time)
    for _ in range(999):
        budget.refused()
    budget.take()
    assert budget.wait_time() == 0.0
    budget.refused()
    assert budget.wait_time() == 600 / 4_000
    time.now = 600
    assert budget.count == 0 and budget.wait_time() == 0.0
