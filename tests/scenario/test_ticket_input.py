"""Tickets under awkward input: ids typed first, buttons pressed twice, second thoughts, member
tiers. Each gets a clear reply in the member's language and nothing is lost."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.ext.asyncio import create_async_engine

from core.features.tickets.models import TicketChange
from tests.scenario.conftest import RunScript
from tests.scenario.test_tickets import DESK, _ticket


async def _changes(database_url: str, kind: str) -> list[dict[str, object]]:
    engine = create_async_engine(database_url)
    async with engine.connect() as connection:
        rows = await connection.execute(
            select(TicketChange.detail).where(TicketChange.kind == kind).order_by(TicketChange.id)
        )
        found = [dict(detail) for (detail,) in rows]
    await engine.dispose()
    return found


async def test_staff_may_name_the_ticket_before_what_to_do_with_it(
    run_script: RunScript, database_url: str
) -> None:
    messages = await run_script(
        """
        @as alice
        /ticket Billing | charged twice
        @as mod:bob
        @place #support
        /ticket priority T-1 huge
        /ticket priority T-1 low
        /ticket tag T-1 billing
        /ticket assign T-1 bob
        /ticket assign T-1
        """,
        **DESK,
    )
    to_bob = [m["text"] for m in messages if m["to"] == "bob"]
    assert 'not "huge"' in to_bob[0], "the wrong word is the one named"
    assert to_bob[1:4] == [
        "T-1 priority set to low.",
        "T-1 tagged billing.",
        "T-1 assigned to bob.",
    ]
    assert to_bob[4].startswith("Assign T-1 to whom? /ticket assign T-1 NAME")
    ticket = await _ticket(database_url)
    assert (ticket.priority, ticket.tags) == ("low", ["billing"])


async def test_a_member_typing_a_staff_command_with_the_id_first_is_refused_not_ticketed(
    run_script: RunScript, database_url: str
) -> None:
    messages = await run_script(
        """
        @as alice
        /ticket Billing | charged twice
        /ticket priority T-1 urgent
        /language zh-cn
        /ticket tag T-1 账单
        """,
        **DESK,
    )
    to_alice = [m["text"] for m in messages if m["to"] == "alice"]
    assert "Only moderators can use /ticket priority" in to_alice[-3]
    assert "/ticket tag" in to_alice[-1] and "管理员" in to_alice[-1]
    assert not any("T-2" in text for text in to_alice), "no ticket named after the command"
    assert (await _ticket(database_url)).priority == "high"


async def test_a_rating_pressed_twice_counts_once_and_every_comment_is_kept(
    run_script: RunScript, database_url: str
) -> None:
    messages = await run_script(
        """
        @as alice
        /ticket Billing | charged twice
        @as mod:bob
        @place #support/T-1
        Refunded.
        /ticket resolve
        @as alice
        @place dm
        @press 4
        @press 4
        Quick and kind
        /ticket comment And the refund arrived today
        """,
        **DESK,
    )
    to_alice = [m["text"] for m in messages if m["to"] == "alice"]
    assert "You already rated T-1 4/5" in to_alice[-3]
    ticket = await _ticket(database_url)
    assert ticket.csat_score == 4
    assert ticket.csat_comment == "Quick and kind\n\nAnd the refund arrived today"
    assert await _changes(database_url, "rated") == [{"score": 4}]


async def test_a_chinese_member_pressing_a_rating_twice_reads_it_in_chinese(
    run_script: RunScript,
) -> None:
    messages = await run_script(
        """
        @as 小明
        /ticket 付款失败 | 扣了两次钱
        @as mod:bob
        /ticket resolve T-1
        @as 小明
        @press 5
        @press 5
        """,
        **DESK,
    )
    to_member = [m["text"] for m in messages if m["to"] == "小明"]
    assert "你已经给 T-1 打了 5/5 分" in to_member[-1]


async def test_a_member_tier_raises_the_priority_staff_see_the_tier(
    run_script: RunScript, database_url: str
) -> None:
    tiers = {"premium": {"priority": "high", "members": ["console:vera"]}}
    messages = await run_script(
        """
        @as vera
        /ticket Avatar | how do I change my avatar
        """,
        tickets={"staff_places": ["console:support"], "tiers": tiers},
    )
    opened = next(m for m in messages if m["place"] == "#support/T-1")
    assert opened["text"].startswith("🎫 T-1 · high · vera · premium")
    assert (await _ticket(database_url)).priority == "high"
    assert await _changes(database_url, "opened") == [{"source": "command", "tier": "premium"}]


async def test_a_mistyped_id_closes_nothing(run_script: RunScript, database_url: str) -> None:
    messages = await run_script(
        """
        @as alice
        /ticket Help | broken
        /ticket close T-abc
        /language zh-cn
        /ticket close #1x
        """,
        **DESK,
    )
    to_alice = [m["text"] for m in messages if m["to"] == "alice"]
    assert "I can't find ticket T-abc" in to_alice[-3]
    assert "#1x" in to_alice[-1] and "找不到" in to_alice[-1]
    assert (await _ticket(database_url)).status == "open"
