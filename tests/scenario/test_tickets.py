"""A support ticket's life in console scripts: from a question the bot could not answer to a
rated, transcribed ticket; quiet tickets warned then closed; replies that reopen."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import create_async_engine

from core.features.faq.models import AnswerLog, Suggestion
from core.features.tickets.models import Ticket
from tests.scenario.conftest import Messages, RunScript

DESK = {"tickets": {"staff_places": ["console:support"]}, "roles": {"founders": ["console:fiona"]}}


def said_to(messages: Messages, where: str) -> list[dict[str, Any]]:
    return [m for m in messages if m["to"] == where or m["place"] == where]


async def _ticket(database_url: str) -> Ticket:
    engine = create_async_engine(database_url)
    async with engine.connect() as connection:
        row = (await connection.execute(select(Ticket))).one()
    await engine.dispose()
    return Ticket(**row._asdict())


async def test_full_ticket_life_from_a_declined_answer(
    run_script: RunScript, database_url: str
) -> None:
    messages = await run_script(
        """
        @as alice
        what is the airspeed velocity of an unladen swallow
        @press ask a human
        my login keeps failing since yesterday
        @clock +5h
        @as mod:bob
        @place #support/T-1
        Hi Alice, please try clearing your cookies.
        @as alice
        @place dm
        That worked, thanks!
        @as mod:bob
        @place #support/T-1
        /ticket resolve
        @press 1
        @as alice
        @place dm
        @press 4
        Very quick help
        /ticket transcript
        @as mod:bob
        /ticket stats
        """,
        **DESK,
    )
    opened = said_to(messages, "#support/T-1")[0]
    assert "T-1" in opened["text"] and "airspeed velocity" in opened["text"]
    assert "👍 and 👎" in opened["text"], "the suggestion shown comes along"
    relayed = said_to(messages, "#support/T-1")[1]
    assert "my login keeps failing" in relayed["text"]
    (breach,) = said_to(messages, "#support")
    assert "T-1" in breach["text"] and "first-response" in breach["text"]
    to_alice = [m for m in messages if m["to"] == "alice"]
    staff_reply = next(m for m in to_alice if "clearing your cookies" in m["text"])
    assert "Support team" in staff_reply["text"] and "bob" not in staff_reply["text"]
    csat = next(m for m in to_alice if m["buttons"] == ["1", "2", "3", "4", "5"])
    assert "How did we do" in csat["text"]
    assert to_alice[-1]["attachments"] == ["T-1.md"]
    stats = messages[-1]["text"]
    assert "Opened 1 · resolved 1 · backlog 0 · SLA breached 1" in stats
    assert "4.0/5" in stats and "bob: 4.0/5 over 1" in stats
    ticket = await _ticket(database_url)
    assert (ticket.status, ticket.csat_score, ticket.csat_comment) == (
        "resolved",
        4,
        "Very quick help",
    )
    assert ticket.response_escalation == 1
    engine = create_async_engine(database_url)
    async with engine.connect() as connection:
        escalated = (await connection.execute(select(AnswerLog.escalated_at))).scalar_one()
        proposed = (
            await connection.execute(select(Suggestion.source_ref, Suggestion.answer))
        ).one()
    await engine.dispose()
    assert escalated is not None, "deflection counts the escalation"
    assert tuple(proposed) == ("T-1", "Hi Alice, please try clearing your cookies.")


async def test_unanswered_ticket_reaches_the_founder_once(run_script: RunScript) -> None:
    messages = await run_script(
        """
        @as founder:fiona
        /help
        @as carol
        /ticket The site is down | Nothing loads since this morning
        @clock +3h
        @clock +1h
        """,
        **DESK,
    )
    to_channel = said_to(messages, "#support")
    to_fiona = [m for m in messages if m["to"] == "fiona" and m["key"] == "tickets/breach_founder"]
    assert len(to_channel) == 1 and "urgent" in to_channel[0]["text"]
    assert len(to_fiona) == 1 and "T-1" in to_fiona[0]["text"]


async def test_quiet_ticket_is_warned_then_closed(run_script: RunScript) -> None:
    messages = await run_script(
        """
        @as dave
        /ticket The CSV export is empty | It has headers only
        @as mod:bob
        /ticket reply T-1 Which browser do you use?
        @clock +2d
        @clock +1d
        @clock +1d
        @clock +1d
        """,
        **DESK,
    )
    to_dave = [m["key"] for m in messages if m["to"] == "dave"]
    assert to_dave.count("tickets/inactive_warning") == 1
    assert to_dave.count("tickets/closed_inactive") == 1
    assert to_dave.index("tickets/inactive_warning") < to_dave.index("tickets/closed_inactive")
    warning = next(m for m in messages if m["key"] == "tickets/inactive_warning")
    assert "2 day" in warning["text"]
    assert any(m["key"] == "tickets/staff_closed" for m in said_to(messages, "#support/T-1"))


async def test_member_reply_reopens_a_closed_ticket(
    run_script: RunScript, database_url: str
) -> None:
    messages = await run_script(
        """
        @as erin
        /ticket Billing | I was charged twice
        @as mod:bob
        /ticket close T-1 refunded
        @clock +2d
        @as erin
        It happened again this month
        """,
        **DESK,
    )
    relayed = said_to(messages, "#support/T-1")[-1]
    assert "reopened" in relayed["text"] and "happened again" in relayed["text"]
    ticket = await _ticket(database_url)
    assert ticket.status == "open"
    assert ticket.priority == "high", "'charged' is a high-priority keyword"


async def test_guided_exchange_opens_a_ticket_on_telegram(
    run_script: RunScript, database_url: str
) -> None:
    messages = await run_script(
        """
        @platform telegram
        @as frank
        /ticket
        无法登录
        我的账号登录时一直提示密码错误
        """,
        **DESK,
    )
    asked_subject, asked_description, opened = (m for m in messages if m["to"] == "frank")
    assert "what is it about" in asked_subject["text"] or "什么问题" in asked_subject["text"]
    assert "无法登录" in asked_description["text"]
    assert "T-1" in opened["text"]
    ticket = await _ticket(database_url)
    assert (ticket.subject, ticket.priority) == ("无法登录", "high")


async def test_staff_open_a_ticket_for_a_member_and_work_it(
    run_script: RunScript, database_url: str
) -> None:
    messages = await run_script(
        """
        @as gina
        hello
        @as carol
        hi
        @as mod:bob
        /ticket for gina Refund request | She asked on the phone
        /ticket claim T-1
        /ticket priority urgent T-1
        /ticket tag billing T-1
        /ticket assign carol T-1
        /ticket list
        @as gina
        /ticket show T-1
        /ticket show T-2
        """,
        **DESK,
    )
    told = next(m for m in messages if m["to"] == "gina" and "T-1" in m["text"])
    assert "opened ticket" in told["text"] and "Refund request" in told["text"]
    listing = next(m for m in messages if m["text"].startswith("- T-1"))
    assert "urgent" in listing["text"] and "carol" in listing["text"]
    shown, missing = messages[-2:]
    assert "billing" in shown["text"] and "She asked on the phone" in shown["text"]
    assert "can't find ticket T-2" in missing["text"]
    ticket = await _ticket(database_url)
    assert (ticket.status, ticket.priority, ticket.tags) == ("in_progress", "urgent", ["billing"])


async def test_a_chinese_member_reads_states_and_priorities_in_chinese(
    run_script: RunScript,
) -> None:
    messages = await run_script(
        """
        @as li
        /language zh-cn
        /ticket 发票有问题 | 我被重复扣费了
        /ticket list
        /ticket show
        @as mod:wang
        /language zh-cn
        /ticket priority urgent T-1
        @place #support/T-1
        /ticket resolve
        @place dm
        /ticket stats
        """,
        **DESK,
    )
    to_li = [m["text"] for m in messages if m["to"] == "li"]
    assert "[待处理，中]" in to_li[-3]
    assert "状态：待处理 · 优先级 中" in to_li[-2]
    to_wang = [m["text"] for m in messages if m["to"] == "wang"]
    assert "优先级已设为 紧急" in to_wang[1]
    assert "- 紧急：1 张，首次响应中位数 暂无，解决中位数 0.0 小时" in to_wang[-1], (
        "a ticket resolved within the minute has a median of 0 h, not none"
    )


async def test_a_moderator_sending_a_transcript_is_told_it_went(run_script: RunScript) -> None:
    messages = await run_script(
        """
        @as alice
        /ticket Refund | I was charged twice
        @as mod:bob
        /ticket transcript T-1
        """,
        **DESK,
    )
    to_bob = [m for m in messages if m["to"] == "bob"]
    assert [m["text"] for m in to_bob] == ["Sent to the member of T-1."]
    assert [m for m in messages if m["to"] == "alice"][-1]["attachments"] == ["T-1.md"]


async def test_the_claim_button_in_a_ticket_thread_pressed_twice_claims_once(
    run_script: RunScript, database_url: str
) -> None:
    messages = await run_script(
        """
        @as alice
        /ticket Refund | I was charged twice
        @as mod:bob
        @place #support/T-1
        @press 1
        @press 1
        """,
        **DESK,
    )
    claims = [m["text"] for m in messages if m["to"] == "bob"]
    assert claims == ["T-1 claimed by bob; it is in progress."] * 2
    assert (await _ticket(database_url)).status == "in_progress"


async def test_a_10000_character_subject_opens_the_ticket_with_every_word_kept(
    run_script: RunScript, database_url: str
) -> None:
    story = "w" * 10_000
    messages = await run_script(
        f"""
        @as alice
        /ticket {story}
        The next message is part of the conversation
        """,
        **DESK,
    )
    assert messages[0]["text"].startswith('Ticket T-1 is open: "' + "w" * 200 + '"')
    ticket = await _ticket(database_url)
    assert (len(ticket.subject), ticket.description) == (200, story)
    relayed = said_to(messages, "#support/T-1")[-1]["text"]
    assert "The next message is part of the conversation" in relayed


async def test_a_long_subject_before_a_description_keeps_every_character(
    run_script: RunScript, database_url: str
) -> None:
    subject = "My invoices " + "x" * 300
    await run_script(
        f"""
        @as alice
        /ticket {subject} | charged twice in November
        """,
        **DESK,
    )
    ticket = await _ticket(database_url)
    assert ticket.subject == subject[:200]
    assert ticket.description == f"{subject}\n\ncharged twice in November"


async def test_control_and_direction_characters_never_reach_staff_or_the_database(
    run_script: RunScript, database_url: str
) -> None:
    typed = "Refund\x00 \x1b[2Jplease\u202egnp.exe | it\x07 failed\u2066 twice"
    messages = await run_script(f"@as alice\n/ticket {typed}\n", **DESK)
    ticket = await _ticket(database_url)
    assert (ticket.subject, ticket.description) == ("Refund [2Jpleasegnp.exe", "it failed twice")
    staff = said_to(messages, "#support/T-1")[0]["text"]
    assert "Refund [2Jpleasegnp.exe" in staff
    assert not any(c in staff for c in "\x00\x1b\x07\u202e\u2066")


async def test_a_long_answer_to_the_guided_subject_question_is_kept_whole(
    run_script: RunScript, database_url: str
) -> None:
    story = "My invoices are wrong " + "z" * 10_000
    messages = await run_script(
        f"""
        @platform telegram
        @as alice
        /ticket
        {story}
        """,
        **DESK,
    )
    assert 'is open: "My invoices are wrong zzz' in messages[-2]["text"]
    ticket = await _ticket(database_url)
    assert (ticket.subject, ticket.description) == (story[:200], story)


async def test_a_member_can_back_out_of_the_guided_exchange(
    run_script: RunScript, database_url: str
) -> None:
    messages = await run_script(
        """
        @as alice
        /ticket
        @press 1
        @press 1
        how do I link my telegram account?
        """,
        **DESK,
    )
    asked, cancelled, again, answer = messages
    assert asked["buttons"] == ["✖ Cancel"]
    assert cancelled["text"] == again["text"]
    assert cancelled["key"] == "tickets/draft_cancelled"
    assert answer["text"].startswith("How do I link my Discord and Telegram accounts?")
    engine = create_async_engine(database_url)
    async with engine.connect() as connection:
        assert (await connection.execute(select(Ticket))).all() == []
    await engine.dispose()


async def test_a_ticket_opened_in_chinese_is_followed_up_in_chinese(run_script: RunScript) -> None:
    """The member never chose a language: the staff reply, the rating question and the thanks
    for a rating all follow the question's language."""
    messages = await run_script(
        """
        @as 小王
        人生的意义是什么
        @press 找真人
        @as mod:bob
        @place #support/T-1
        请提供更多细节。
        /ticket resolve
        @as 小王
        @place dm
        @press 5
        """,
        **DESK,
    )
    to_wang = [m["text"] for m in messages if m["to"] == "小王"]
    assert to_wang[1].startswith("工单 T-1 已创建")
    assert to_wang[2].startswith("T-1 · 客服团队")
    assert "请打 1（差）到 5（很好）分" in to_wang[3]
    assert to_wang[4].startswith("感谢你给 T-1 打了 5/5 分")


async def test_a_second_moderator_claiming_does_not_take_the_ticket(
    run_script: RunScript, database_url: str
) -> None:
    messages = await run_script(
        """
        @as alice
        /ticket Refund | I was charged twice
        @as mod:bob
        /ticket claim T-1
        @as mod:carol
        /ticket claim T-1
        """,
        **DESK,
    )
    refused = [m for m in messages if m["to"] == "carol"][-1]
    assert refused["text"] == (
        "T-1 is already claimed by bob. To take it over, send /ticket assign me T-1."
    )
    assert refused["visibility"] == "private"
    ticket = await _ticket(database_url)
    assert (ticket.status, ticket.assignee_id) == ("in_progress", 2)


async def test_a_member_s_subject_may_start_with_a_staff_word_but_staff_commands_are_refused(
    run_script: RunScript, database_url: str
) -> None:
    messages = await run_script(
        """
        @as alice
        /ticket export broken | The CSV has headers only
        /ticket resolve T-1
        /ticket priority
        @as mod:bob
        /ticket export
        """,
        **DESK,
    )
    ticket = await _ticket(database_url)
    assert ticket.subject == "export broken"
    to_alice = [m["text"] for m in messages if m["to"] == "alice"]
    assert len(to_alice) == 3 and "Only moderators can use /ticket resolve" in to_alice[1]
    assert "Only moderators can use /ticket priority" in to_alice[2]
    exports = [m for m in messages if m["to"] == "bob" and m["attachments"] == ["tickets.csv"]]
    assert len(exports) == 1


async def test_a_solved_ticket_close_to_an_entry_becomes_its_new_phrasing(
    run_script: RunScript,
) -> None:
    messages = await run_script(
        """
        @as alice
        /ticket Linking | how do I link my telegram account to discord
        @as mod:bob
        @place #support/T-1
        Send /link in Telegram, then /link CODE in Discord within ten minutes.
        /ticket resolve
        @press add to knowledge
        @press add to knowledge
        /ticket history
        /faq suggestions
        @press ✅
        """,
        **DESK,
    )
    history = next(m["text"] for m in messages if "what happened" in m["text"])
    assert history.count("proposed it to the knowledge base") == 1, "pressed twice, told once"
    waiting = next(m["text"] for m in messages if "suggestion waiting" in m["text"])
    assert '"how do I link my telegram account to discord" (en) → new phrasing of' in waiting
    assert "link-accounts" in waiting
    assert "is now answered by link-accounts" in messages[-1]["text"]
