"""Telegram translation rules, on recorded Bot API payloads and without any network.

Also the adapter's pure parts: error mapping, rate keys and the command menu."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from telegram import Update
from telegram.error import BadRequest, Forbidden, NetworkError, RetryAfter, TelegramError, TimedOut

from adapters.telegram.adapter import PER_CHAT, PER_GROUP, TelegramAdapter, failure_receipt
from adapters.telegram.translate import (
    BotIdentity,
    callback_data,
    keyboard,
    to_api_calls,
    to_events,
)
from bot.features import build_registry
from core.events import (
    DeliveryFailure,
    EventKind,
    IncomingEvent,
    OutgoingMessage,
    PlaceKind,
    Platform,
    RenderedButton,
    Role,
    Visibility,
)
from core.render import Renderer
from core.settings import Settings

PAYLOADS = Path(__file__).resolve().parents[1] / "contract" / "payloads" / "telegram"
ME = BotIdentity(777000111, "townhall_bot")
GROUP = "-1001234567890"


def update(name: str) -> Update:
    return Update.de_json(json.loads((PAYLOADS / f"{name}.json").read_text()), None)


def only(name: str, role: Role = Role.MEMBER) -> IncomingEvent:
    events = to_events(update(name), ME, role=role)
    assert len(events) == 1
    return events[0]


def test_group_message_is_a_message_in_a_group() -> None:
    event = only("group_question")
    assert event.kind is EventKind.MESSAGE
    assert event.event_id == "100001"
    assert event.text == "how do i link my telegram account?"
    assert event.place.kind is PlaceKind.GROUP
    assert event.place.chat_id == GROUP
    assert event.place.thread_id is None
    assert event.message_id == "51"
    assert event.actor.platform_user_id == "4242"
    assert event.actor.display_name == "Ada L"
    assert event.actor.locale == "en"
    assert not event.mentions_bot


def test_private_chat_is_a_dm_with_the_users_language() -> None:
    event = only("private_message")
    assert event.place.kind is PlaceKind.DM
    assert event.place.chat_id == "4242"
    assert event.actor.locale == "zh-hans"


def test_command_addressed_to_this_bot_is_parsed_case_insensitively() -> None:
    event = only("command_with_botname", Role.MODERATOR)
    assert event.kind is EventKind.COMMAND
    assert event.command == "faq"
    assert event.arg_text == "list zh-cn 2"
    assert event.actor.role is Role.MODERATOR


def test_command_for_another_bot_is_just_a_message() -> None:
    event = only("command_other_bot")
    assert event.kind is EventKind.MESSAGE
    assert event.command is None


def test_mention_is_detected_in_utf16_offsets_and_stripped() -> None:
    event = only("mention_with_emoji")
    assert event.mentions_bot
    assert event.text == "🙂 how do I change my language?"


def test_reply_to_the_bot_in_a_forum_topic_addresses_it_in_that_thread() -> None:
    event = only("reply_to_bot")
    assert event.mentions_bot
    assert event.reply_to_id == "50"
    assert event.place.thread_id == "9"


def test_button_press_is_an_action_split_at_the_first_colon() -> None:
    event = only("callback_vote")
    assert event.kind is EventKind.ACTION
    assert event.action_id == "faq.vote"
    assert event.action_arg == "12:up"
    assert event.place.chat_id == GROUP
    assert event.message_id == "60"


def test_new_members_join_one_event_each_but_not_the_bot_itself() -> None:
    events = to_events(update("new_chat_members"), ME)
    assert [(e.kind, e.actor.platform_user_id) for e in events] == [
        (EventKind.MEMBER_JOINED, "5151")
    ]
    assert events[0].event_id == "100008:5151"


def test_chat_member_update_to_left_is_a_leave() -> None:
    event = only("chat_member_left")
    assert event.kind is EventKind.MEMBER_LEFT
    assert event.actor.platform_user_id == "5151"
    assert event.place.chat_id == GROUP


def test_edits_are_not_new_events() -> None:
    assert to_events(update("edited_message"), ME) == []


def message(**fields: object) -> OutgoingMessage:
    base: dict[str, object] = {"platform": Platform.TELEGRAM, "text": "hi", "chat_id": GROUP}
    return OutgoingMessage(**(base | fields))  # type: ignore[arg-type]


def test_public_reply_goes_to_the_place_in_html_without_previews() -> None:
    (call,) = to_api_calls(message(user_id="4242", reply_to_id="51", thread_id="9"))
    assert call.method == "send_message"
    kwargs = call.kwargs
    assert kwargs["chat_id"] == GROUP
    assert kwargs["parse_mode"] == "HTML"
    assert kwargs["link_preview_options"].is_disabled
    assert kwargs["reply_parameters"].message_id == 51
    assert kwargs["message_thread_id"] == 9


def test_private_reply_goes_to_the_users_dm_without_group_context() -> None:
    (call,) = to_api_calls(
        message(user_id="4242", reply_to_id="51", thread_id="9", visibility=Visibility.PRIVATE)
    )
    assert call.kwargs["chat_id"] == "4242"
    assert "reply_parameters" not in call.kwargs
    assert "message_thread_id" not in call.kwargs


def test_long_text_splits_at_a_paragraph_with_buttons_on_the_last_part() -> None:
    text = "a" * 3000 + "\n\n" + "b" * 3000
    calls = to_api_calls(message(text=text, buttons=(RenderedButton("OK", "x:1"),)))
    assert [len(c.kwargs["text"]) for c in calls] == [3000, 3000]
    assert "reply_markup" not in calls[0].kwargs
    assert calls[1].kwargs["reply_markup"].inline_keyboard[0][0].callback_data == "x:1"


def test_edit_becomes_edit_message_text() -> None:
    (call,) = to_api_calls(message(edit_message_id="60"))
    assert call.method == "edit_message_text"
    assert call.kwargs["message_id"] == 60


def test_short_labels_share_rows_long_ones_do_not() -> None:
    short = keyboard([RenderedButton("👍 Helpful", "v:up"), RenderedButton("👎 No", "v:down")])
    assert short is not None
    assert [len(row) for row in short.inline_keyboard] == [2]
    long = keyboard([RenderedButton("x" * 30, "t:0"), RenderedButton("y" * 30, "t:1")])
    assert long is not None
    assert [len(row) for row in long.inline_keyboard] == [1, 1]


@pytest.mark.parametrize("data", ["faq.vote:1:up", "é" * 40, "x" * 100])
def test_callback_data_fits_64_bytes_and_stays_valid_utf8(data: str) -> None:
    cut = callback_data(data)
    assert len(cut.encode()) <= 64
    assert data.startswith(cut)


@pytest.mark.parametrize(
    ("error", "failure", "detail"),
    [
        (
            Forbidden("Forbidden: bot was blocked by the user"),
            DeliveryFailure.BLOCKED,
            "bot was blocked by the user",
        ),
        (
            Forbidden("Forbidden: bot can't initiate conversation with a user"),
            DeliveryFailure.BLOCKED,
            "bot can't initiate conversation with a user",
        ),
        (
            BadRequest("Bad Request: message text is empty"),
            DeliveryFailure.INVALID,
            "Message text is empty",
        ),
        (TimedOut(), DeliveryFailure.UNAVAILABLE, "Timed out"),
        (NetworkError("Bad Gateway (502)"), DeliveryFailure.UNAVAILABLE, "Bad Gateway (502)"),
    ],
)
def test_api_errors_become_typed_failures(
    error: TelegramError, failure: DeliveryFailure, detail: str
) -> None:
    receipt = failure_receipt(error)
    assert (receipt.failure, receipt.detail) == (failure, detail)


def test_flood_control_carries_the_wait(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PTB_TIMEDELTA", "true")
    receipt = failure_receipt(RetryAfter(7))
    assert receipt.failure is DeliveryFailure.RATE_LIMITED
    assert receipt.retry_after == 7.0


def test_groups_count_against_the_per_minute_group_limit_too() -> None:
    adapter = TelegramAdapter(Settings(), build_registry(), Renderer())
    assert adapter.rate_keys(message(chat_id="4242", visibility=Visibility.PUBLIC)) == [
        ("4242", PER_CHAT)
    ]
    assert adapter.rate_keys(message()) == [(GROUP, PER_CHAT), (GROUP, PER_GROUP)]
    private = message(user_id="4242", visibility=Visibility.PRIVATE)
    assert adapter.rate_keys(private) == [("4242", PER_CHAT)]


def test_command_menu_hides_moderator_groups_from_members_and_translates() -> None:
    adapter = TelegramAdapter(Settings(), build_registry(), Renderer())
    member, everyone = adapter.bot_commands("zh-CN")
    assert "faq" not in {c.command for c in member}
    descriptions = {c.command: c.description for c in everyone}
    assert descriptions["faq"] == "向知识库添加一条回答"
    assert all(3 <= len(c.description) <= 256 for c in everyone)


def test_a_reaction_change_is_one_event_per_emoji_added_or_taken_back() -> None:
    events = to_events(update("message_reaction"), ME)
    assert [(e.kind, e.emoji) for e in events] == [
        (EventKind.REACTION, "❤"),
        (EventKind.REACTION_REMOVED, "👍"),
    ], "the custom emoji has no emoji to compare and is left out"
    assert {e.message_id for e in events} == {"51"}
    assert {e.actor.platform_user_id for e in events} == {"5151"}
    assert events[0].place.chat_id == GROUP and events[0].place.kind is PlaceKind.GROUP
    assert len({e.event_id for e in events}) == 2
