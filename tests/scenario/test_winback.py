"""Members who went quiet, as console scripts live it with a moved clock: a message built
from what they used last, at their hour, never in their quiet hours, only with their consent,
at most once a month and three times in all."""

from __future__ import annotations

from core.markup import plain
from tests.scenario.conftest import Messages, RunScript
from tests.unit.chat import code_in

ON = {"winback": {"enabled": True}}
DESK = {"tickets": {"staff_places": ["console:support"]}}
EVENTS = {"events": {"announce_places": ["console:events"]}}


def winbacks(messages: Messages, who: str) -> list[str]:
    return [
        plain(str(m["text"])) for m in messages if m["to"] == who and m["key"] == "winback/message"
    ]


def keys(messages: Messages) -> list[str]:
    return [str(m["key"]) for m in messages]


async def test_a_member_who_asked_questions_hears_about_new_answers(run_script: RunScript) -> None:
    messages = await run_script(
        """
        @as ada
        /ask how do I reset my password?
        @clock +10d
        @as mod:maria
        @place #general
        /faq add how do I export my data? | Settings, then Export.
        @clock +21d
        """,
        **ON,
    )
    (message,) = winbacks(messages, "ada")
    assert message.startswith("We miss your questions here!"), message
    assert "1 answer was added or updated" in message
    assert "how do I export my data?" in message
    assert "Press 🔕 Stop these" in message
    (sent,) = [m for m in messages if m["key"] == "winback/message"]
    assert sent["place"] == "dm" and sent["buttons"] == ["🔕 Stop these"]


async def test_nothing_is_sent_while_win_back_is_off(run_script: RunScript) -> None:
    messages = await run_script(
        """
        @as ada
        /ask how do I reset my password?
        @clock +31d
        """
    )
    assert winbacks(messages, "ada") == [], "[winback] enabled is false by default"


async def test_a_member_whose_ticket_was_solved_hears_how_it_ended(run_script: RunScript) -> None:
    messages = await run_script(
        """
        @as erin
        /ticket Billing | I was charged twice
        @as mod:bob
        @place #support/T-1
        We refunded the second charge.
        /ticket resolve
        @clock +31d
        """,
        **ON,
        **DESK,
    )
    (message,) = winbacks(messages, "erin")
    assert message.startswith("We miss you! Your last ticket T-1 “Billing” is solved."), message


async def test_an_event_goer_gets_the_next_two_events_and_can_say_going_from_the_dm(
    run_script: RunScript,
) -> None:
    messages = await run_script(
        """
        @as mod:maria
        @place #general
        /event create meetup Drinks | 2026-11-28 18:00
        @as ada
        @place dm
        /event list
        @place #events
        @press Going
        @clock +20d
        @as mod:maria
        @place #general
        /event create webinar Roadmap | 2027-01-05 17:00
        /event create ama Ask the founders | 2027-01-12 17:00
        /event create meetup Spring drinks | 2027-03-01 18:00
        @clock +12d
        @as ada
        @place dm
        @press 1
        /event list
        """,
        **ON,
        **EVENTS,
    )
    (message,) = winbacks(messages, "ada")
    assert message.startswith("We miss you at our events! Coming up next:"), message
    assert "Roadmap" in message and "Ask the founders" in message
    assert "Spring drinks" not in message, "the next two only"
    (sent,) = [m for m in messages if m["key"] == "winback/message"]
    assert sent["buttons"] == ["✅ Going", "✅ Going", "🔕 Stop these"]
    answered = [plain(str(m["text"])) for m in messages if m["key"] == "events/answered"]
    assert "Roadmap" in answered[-1] and "going" in answered[-1].lower(), answered


async def test_members_who_take_no_unasked_dms_get_nothing(run_script: RunScript) -> None:
    messages = await run_script(
        """
        @as bob
        /ask how do I reset my password?
        /settings
        @press Stop unasked
        @as dan
        @place #general
        hello all
        @clock +31d
        """,
        **ON,
    )
    assert winbacks(messages, "bob") == [], "bob turned unasked DMs off"
    assert winbacks(messages, "dan") == [], "dan never wrote to the bot privately"


async def test_at_most_one_message_in_thirty_days_and_three_in_all(run_script: RunScript) -> None:
    messages = await run_script(
        """
        @as ada
        /ask how do I reset my password?
        @clock +31d
        @clock +1d
        @clock +20d
        @clock +15d
        @clock +31d
        @clock +31d
        @clock +31d
        @clock +31d
        """,
        **ON,
    )
    assert len(winbacks(messages, "ada")) == 3


async def test_stop_these_is_one_press_confirmed_and_final(run_script: RunScript) -> None:
    messages = await run_script(
        """
        @as ada
        /ask how do I reset my password?
        @clock +31d
        @press Stop these
        @clock +31d
        @clock +31d
        """,
        **ON,
    )
    assert len(winbacks(messages, "ada")) == 1
    (stopped,) = [plain(str(m["text"])) for m in messages if m["key"] == "winback/stopped"]
    assert stopped.startswith("🔕 Done: you will not get messages like this again")


async def test_each_member_hears_at_their_hour_and_never_in_their_quiet_hours(
    run_script: RunScript,
) -> None:
    messages = await run_script(
        """
        @as kim
        /settings timezone Asia/Shanghai
        /ask how do I reset my password?
        @as lee
        /settings timezone America/Los_Angeles
        /ask how do I reset my password?
        @clock +31d
        @as zed
        /help
        @clock +6h
        /help
        @clock +1h
        """,
        **ON,
    )
    order = [
        m["to"] if m["key"] == "winback/message" else m["key"]
        for m in messages
        if m["key"] in ("winback/message", "general/help")
    ]
    # Both were active at 09:00 UTC: 17:00 in Shanghai, but 01:00 in Los Angeles, inside
    # 22:00-08:00 there; lee hears at 08:00 Los Angeles time, 16:00 UTC.
    assert order == ["kim", "general/help", "general/help", "lee"]


async def test_a_chinese_speaker_hears_in_chinese(run_script: RunScript) -> None:
    messages = await run_script(
        """
        @as cai
        /language zh-cn
        /ask 怎么重置密码？
        @clock +31d
        """,
        **ON,
    )
    (sent,) = [m for m in messages if m["key"] == "winback/message"]
    assert plain(str(sent["text"])).startswith("好久没看到你来提问了！")
    assert sent["buttons"] == ["🔕 不再接收"]


async def test_a_member_who_looked_at_their_rank_hears_their_points_and_place(
    run_script: RunScript,
) -> None:
    messages = await run_script(
        """
        @as bob
        @place #general
        Settings, then Security, then Reset password.
        @as ada
        @reply bob
        thanks bob!
        @as bob
        @place dm
        /rank
        @clock +31d
        """,
        badges=[
            {
                "id": "helper",
                "emoji": "🤝",
                "name": {"en": "Helper", "zh-CN": "热心人"},
                "rule": "thanks_received >= 3",
            }
        ],
        **ON,
    )
    (message,) = winbacks(messages, "bob")
    assert message.startswith("We miss you! You have 1 point, number 2 of 2."), message
    assert "Within reach: 🤝 Helper (0/3 thanks received)." in message


async def test_stop_these_on_one_account_holds_for_the_linked_ones(run_script: RunScript) -> None:
    (offer,) = await run_script(
        """
        @platform telegram
        @as alice
        /link
        """
    )
    await run_script(
        f"""
        @platform discord
        @as alice
        /link {code_in(offer["text"])}
        """
    )
    messages = await run_script(
        """
        @platform telegram
        @as alice
        /ask how do I reset my password?
        @platform discord
        /ask how do I change my email?
        @clock +31d
        @press Stop these
        @clock +31d
        @clock +31d
        @platform telegram
        /help
        @clock +31d
        @clock +31d
        """,
        **ON,
    )
    assert len(winbacks(messages, "alice")) == 1, "one press stops both accounts"
