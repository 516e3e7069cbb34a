"""What members and staff read about tickets: each sentence fits its reader."""

from __future__ import annotations

from tests.scenario.conftest import RunScript
from tests.scenario.test_tickets import DESK, _ticket


async def test_members_do_not_see_internal_breach_flags(run_script: RunScript) -> None:
    messages = await run_script(
        """
        @as alice
        /ticket Site down | the whole site is down
        @clock +2h
        /ticket list
        @as mod:bob
        /ticket list
        """,
        **DESK,
    )
    to_alice = [m["text"] for m in messages if m["to"] == "alice"]
    to_bob = [m["text"] for m in messages if m["to"] == "bob"]
    assert "breached" not in to_alice[-1] and "T-1" in to_alice[-1]
    assert "⚠️ breached" in to_bob[-1]


async def test_staff_closing_a_ticket_read_who_gets_the_transcript(run_script: RunScript) -> None:
    messages = await run_script(
        """
        @as alice
        /ticket Printer | jammed
        @as mod:bob
        /ticket close T-1 fixed
        """,
        **DESK,
    )
    to_bob = [m["text"] for m in messages if m["to"] == "bob"]
    to_alice = [m["text"] for m in messages if m["to"] == "alice"]
    assert (
        to_bob[-1]
        == "T-1 is closed: fixed. /ticket transcript T-1 sends the member the conversation."
    )
    assert to_alice[-1].endswith("/ticket transcript sends you the conversation.")


async def test_day_counts_read_naturally(run_script: RunScript) -> None:
    desk = {**DESK, "tickets": {"staff_places": ["console:support"], "reopen_days": 1}}
    desk["tickets"] |= {"inactive_warn_days": 1.0, "inactive_close_days": 1.5}
    messages = await run_script(
        """
        @as dave
        /ticket The CSV export is empty | It has headers only
        @as mod:bob
        /ticket reply T-1 Which browser do you use?
        @clock +1d
        @clock +12h
        /ticket stats 1
        /ticket stats 0
        """,
        **desk,
    )
    to_dave = [m["text"] for m in messages if m["to"] == "dave"]
    assert any("otherwise it closes in 12 hours." in t for t in to_dave)
    assert any(t.endswith("Reply within 1 day to reopen it.") for t in to_dave)
    to_bob = [m["text"] for m in messages if m["to"] == "bob"]
    assert to_bob[-2].startswith("Support, last day\n")
    assert to_bob[-1].startswith(
        "Support, last day (you asked for 0; /ticket stats covers 1 to 365 days)\n"
    )


async def test_a_member_pressing_claim_is_refused_in_words_they_know(run_script: RunScript) -> None:
    messages = await run_script(
        """
        @as alice
        /ticket Printer | jammed
        @as mallory
        @place #support/T-1
        @press 1
        """,
        **DESK,
    )
    refused = [m for m in messages if m["to"] == "mallory"][-1]
    assert refused["text"].startswith("Only moderators can use this button.")
    assert "tickets.claim" not in refused["text"]


async def test_claiming_a_resolved_ticket_asks_to_reopen_it_first(
    run_script: RunScript, database_url: str
) -> None:
    messages = await run_script(
        """
        @as alice
        /ticket Printer | jammed
        @as mod:bob
        /ticket resolve T-1
        @as mod:carol
        /ticket claim T-1
        /ticket close T-1
        /ticket assign me T-1
        """,
        **DESK,
    )
    to_carol = [m["text"] for m in messages if m["to"] == "carol"]
    assert to_carol[0] == "T-1 is resolved; send /ticket reopen T-1 first."
    assert to_carol[-1] == "T-1 is closed; send /ticket reopen T-1 first."
    assert (await _ticket(database_url)).assignee_id is None


async def test_a_member_without_open_tickets_is_told_so(run_script: RunScript) -> None:
    messages = await run_script(
        """
        @as alice
        /ticket show
        /ticket close
        /ticket show me my tickets
        """,
        **DESK,
    )
    shown, closed, named = (m["text"] for m in messages)
    assert shown == closed == "You have no open tickets; /ticket list mine shows your earlier ones."
    assert named.startswith("I can't find ticket me") and named.endswith("/ticket list shows them.")


async def test_tickets_go_only_to_moderators(run_script: RunScript, database_url: str) -> None:
    messages = await run_script(
        """
        @as bob
        @place #general
        hello everyone
        @as mod:carol
        @place #general
        morning
        @as alice
        @place dm
        /ticket Printer | jammed
        @as mod:dan
        /ticket assign bob T-1
        /ticket assign fiona T-1
        /ticket assign carol T-1
        """,
        roles={"founders": ["console:fiona"]},
        tickets={"staff_places": ["console:support"]},
    )
    refused, unknown, given = (m["text"] for m in messages if m["to"] == "dan")
    assert refused == "bob is not a moderator, so tickets can't be assigned to them."
    assert unknown.startswith("I don't know anyone called")
    assert given == "T-1 assigned to carol."
    assert (await _ticket(database_url)).assignee_id == 2


async def test_admins_word_the_rating_question_in_each_language(run_script: RunScript) -> None:
    own = {"en": "Did we solve {ticket}? Rate us 1-5.", "zh-CN": "问题解决了吗？请打 1-5 分。"}
    messages = await run_script(
        """
        @as alice
        /ticket Help | broken
        @as 小明
        /ticket 帮助 | 坏了
        @as mod:bob
        /ticket resolve T-1
        /ticket resolve T-2
        """,
        tickets={"staff_places": ["console:support"], "csat_question": own},
    )
    asked = {m["to"]: m for m in messages if m["buttons"] == ["1", "2", "3", "4", "5"]}
    assert asked["alice"]["text"] == "Did we solve T-1? Rate us 1-5."
    assert asked["小明"]["text"] == "T-2 · 问题解决了吗？请打 1-5 分。", "the id comes first"


async def test_staff_read_a_ticket_s_audit_trail_in_their_language(run_script: RunScript) -> None:
    messages = await run_script(
        """
        @as alice
        /ticket Login | I cannot log in
        @clock +3h
        @as mod:bob
        @place #support
        /ticket claim T-1
        /ticket assign T-1 me
        /ticket priority T-1 urgent
        /ticket priority urgent T-1
        /ticket reply T-1 Try now
        /ticket resolve T-1
        @as alice
        @place dm
        @press 4
        /ticket history T-1
        @as mod:bob
        @place #support
        /ticket history T-1
        /language zh-cn
        /ticket history T-1
        """,
        **DESK,
    )
    to_alice = [m["text"] for m in messages if m["to"] == "alice"]
    assert "Only moderators can use /ticket history" in to_alice[-1]
    english, chinese = [m["text"] for m in messages if m["to"] == "bob"][-3::2]
    assert english.splitlines()[1:] == [
        "- 2026-11-23 09:00 · alice: opened it",
        "- 2026-11-23 12:00 · the bot: missed the first-response target",
        "- 2026-11-23 12:00 · bob: assigned it to bob",
        "- 2026-11-23 12:00 · bob: open → in progress",
        "- 2026-11-23 12:00 · bob: priority high → urgent",
        "- 2026-11-23 12:00 · bob: in progress → waiting on the member",
        "- 2026-11-23 12:00 · bob: waiting on the member → resolved",
        "- 2026-11-23 12:00 · alice: rated it 4/5",
    ]
    assert "- 2026-11-23 12:00 · 机器人：超出了首次回复时限" in chinese
    assert "- 2026-11-23 12:00 · bob：优先级 高 → 紧急" in chinese


async def test_staff_sign_with_their_names_where_configured(run_script: RunScript) -> None:
    desk = {"staff_places": ["console:support"], "staff_names_visible": True}
    messages = await run_script(
        """
        @as alice
        /ticket Printer | jammed
        @as mod:bob
        @place #support/T-1
        Fixed it
        @as alice
        @place dm
        /ticket show
        """,
        tickets=desk,
    )
    relayed, shown = [m["text"] for m in messages if m["to"] == "alice"][-2:]
    assert relayed == "T-1 · bob:\nFixed it"
    assert "bob: Fixed it" in shown and "Support team" not in shown


async def test_staff_see_the_most_urgent_and_longest_waiting_tickets_first(
    run_script: RunScript,
) -> None:
    opened = [f"/ticket Question {n} | details" for n in range(1, 27)]
    script = ["@as alice", *opened, "/ticket Site down | the whole site is down"]
    script += ["@as mod:bob", "/ticket list", "@as alice", "/ticket list"]
    messages = await run_script("\n".join(script), **DESK)
    staff_queue = [m["text"] for m in messages if m["to"] == "bob"][-1].splitlines()
    assert staff_queue[:3] == [
        "- T-27 [open, urgent] Site down",
        "- T-1 [open, medium] Question 1",
        "- T-2 [open, medium] Question 2",
    ]
    assert staff_queue[-1] == "…and 2 more, less urgent or newer."
    own = [m["text"] for m in messages if m["to"] == "alice"][-1].splitlines()
    assert own[:2] == ["- T-27 [open, urgent] Site down", "- T-26 [open, medium] Question 26"]
    assert own[-1] == "…and 2 more, older."
