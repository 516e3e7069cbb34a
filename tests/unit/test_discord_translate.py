"""Discord payloads (recorded JSON) to core events, and rendered messages to send arguments."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import discord

from adapters.discord import translate
from core.events import (
    Attachment,
    EventKind,
    OutgoingMessage,
    PlaceKind,
    Platform,
    RenderedButton,
    Role,
)

PAYLOADS = Path(__file__).resolve().parent.parent / "contract" / "payloads" / "discord"
NOW = datetime(2025, 11, 20, 10, 0, tzinfo=UTC)
BOT_ID = "1400000000000000001"
MOD_ROLE = "1000000000000000050"


def payload(name: str) -> dict[str, Any]:
    loaded: dict[str, Any] = json.loads((PAYLOADS / f"{name}.json").read_text())
    return loaded


def message(name: str, **overrides: Any) -> Any:
    options: dict[str, Any] = {
        "bot_id": BOT_ID,
        "channel": translate.Channel(0),
        "permissions": 0,
        "moderator_role_ids": [MOD_ROLE],
        "received_at": NOW,
    }
    return translate.message_event(payload(name), **(options | overrides))


def test_guild_message_is_a_channel_message_from_a_member() -> None:
    event = message("message_create_guild")
    assert event.kind is EventKind.MESSAGE
    assert event.event_id == event.message_id == "1300000000000000001"
    assert event.text == "how do I link my telegram account?"
    assert event.place.kind is PlaceKind.CHANNEL
    assert (event.place.chat_id, event.place.guild_id) == (
        "1100000000000000010",
        "1000000000000000001",
    )
    assert event.actor.platform_user_id == "1200000000000000001"
    assert event.actor.display_name == "Ada"
    assert event.actor.role is Role.MEMBER
    assert not event.mentions_bot


def test_mention_is_stripped_and_moderator_role_recognised() -> None:
    event = message("message_create_mention_reply")
    assert event.mentions_bot
    assert event.text == "how do I change the language?"
    assert event.actor.display_name == "Grace H"
    assert event.actor.role is Role.MODERATOR
    assert event.reply_to_id == "1300000000000000000"


def test_manage_server_permission_makes_a_moderator() -> None:
    event = message("message_create_guild", permissions=translate.MANAGE_GUILD)
    assert event.actor.role is Role.MODERATOR


def test_message_in_a_thread_keeps_parent_and_thread() -> None:
    event = message("message_create_guild", channel=translate.Channel(11, "1100000000000000099"))
    assert event.place.kind is PlaceKind.THREAD
    assert event.place.chat_id == "1100000000000000099"
    assert event.place.thread_id == "1100000000000000010"


def test_dm_has_no_guild_and_trimmed_text() -> None:
    event = message("message_create_dm", channel=translate.Channel(), permissions=None)
    assert event.place.kind is PlaceKind.DM
    assert event.place.guild_id is None
    assert event.text == "how do I connect discord and telegram"


def test_bots_and_system_messages_are_ignored() -> None:
    assert message("message_create_bot") is None
    join = payload("message_create_guild") | {"type": 7}
    assert (
        translate.message_event(
            join,
            bot_id=BOT_ID,
            channel=translate.Channel(0),
            permissions=0,
            moderator_role_ids=[],
            received_at=NOW,
        )
        is None
    )


def test_subcommand_resolves_to_arg_text_with_typed_args() -> None:
    event = translate.interaction_event(
        payload("interaction_faq_list"), moderator_role_ids=[], received_at=NOW
    )
    assert event is not None and event.kind is EventKind.COMMAND
    assert (event.command, event.arg_text) == ("faq", "list")
    assert event.args == {"locale": "zh-cn", "page": "2"}
    assert event.actor.role is Role.MEMBER
    assert event.actor.locale == "en-US"
    assert event.event_id == "1700000000000000001"


def test_command_in_dm_uses_the_user_and_locale() -> None:
    event = translate.interaction_event(
        payload("interaction_language"), moderator_role_ids=[], received_at=NOW
    )
    assert event is not None
    assert (event.command, event.arg_text, event.args) == ("language", "", {"language": "zh-cn"})
    assert event.place.kind is PlaceKind.DM
    assert event.actor.locale == "zh-CN"


def test_button_press_is_an_action_in_a_thread() -> None:
    event = translate.interaction_event(
        payload("interaction_button"),
        moderator_role_ids=["1000000000000000077"],
        received_at=NOW,
    )
    assert event is not None and event.kind is EventKind.ACTION
    assert (event.action_id, event.action_arg) == ("faq.vote", "12:up")
    assert event.message_id == "1300000000000000009"
    assert event.place.kind is PlaceKind.THREAD
    assert event.place.thread_id == "1900000000000000001"
    assert event.actor.role is Role.MODERATOR


def test_autocomplete_is_not_an_event_but_its_focus_is_found() -> None:
    raw = payload("interaction_autocomplete")
    assert translate.interaction_event(raw, moderator_role_ids=[], received_at=NOW) is None
    assert translate.focused_option(raw) == ("entry_id", "link")


def test_member_join() -> None:
    event = translate.member_event(
        payload("guild_member_add"),
        EventKind.MEMBER_JOINED,
        system_channel_id="1100000000000000001",
        received_at=NOW,
    )
    assert event is not None and event.kind is EventKind.MEMBER_JOINED
    assert event.actor.display_name == "New Comer"
    assert event.place.chat_id == "1100000000000000001"
    assert event.place.guild_id == "1000000000000000001"


def outgoing(text: str, **fields: Any) -> OutgoingMessage:
    return OutgoingMessage(Platform.DISCORD, text, chat_id="1100000000000000010", **fields)


def test_long_text_is_split_with_buttons_on_the_last_part() -> None:
    buttons = tuple(RenderedButton(f"b{n}", f"faq.vote:{n}:up") for n in range(30))
    calls = translate.send_kwargs(outgoing(("word " * 1200).strip(), buttons=buttons))
    assert len(calls) == 3
    assert all(len(call["content"]) <= 2000 for call in calls)
    assert all("view" not in call for call in calls[:-1])
    view = calls[-1]["view"]
    assert len(view.children) == 25
    rows = view.to_components()
    assert len(rows) == 5 and all(len(row["components"]) == 5 for row in rows)
    assert not view.is_dispatchable()


def test_no_send_can_ping_anyone() -> None:
    for call in translate.send_kwargs(outgoing("@everyone <@&1> <@2>")):
        assert call["allowed_mentions"].to_dict() == {"parse": []}


def test_button_limits_and_reply_reference() -> None:
    too_long = RenderedButton("x", "a:" + "9" * 120)
    long_label = RenderedButton("L" * 200, "faq.human:3")
    calls = translate.send_kwargs(
        outgoing("hi", buttons=(too_long, long_label), reply_to_id="1300000000000000001")
    )
    (call,) = calls
    (button,) = call["view"].children
    assert button.custom_id == "faq.human:3" and len(button.label) == 80
    reference: discord.MessageReference = call["reference"]
    assert reference.message_id == 1300000000000000001
    assert reference.fail_if_not_exists is False


def test_attachments_go_as_files() -> None:
    (call,) = translate.send_kwargs(outgoing("chart", attachments=(Attachment("a.png", b"png"),)))
    (file,) = call["files"]
    assert file.filename == "a.png"


def test_a_reaction_added_and_taken_back_name_the_message_and_the_emoji() -> None:
    at = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)
    added = translate.reaction_event(
        payload("message_reaction_add"),
        EventKind.REACTION,
        channel=translate.Channel(0),
        cached_name=None,
        received_at=at,
    )
    removed = translate.reaction_event(
        payload("message_reaction_remove"),
        EventKind.REACTION_REMOVED,
        channel=translate.Channel(0),
        cached_name="Bob",
        received_at=at,
    )
    assert added is not None and removed is not None
    for event in (added, removed):
        assert event.emoji == "🙏" and event.message_id == "900000000000000051"
        assert event.actor.platform_user_id == "555000000000000002"
        assert event.actor.display_name == "Bob", "a removal's name comes from the cache"
        assert event.place.chat_id == "111000000000000010"
        assert event.place.guild_id == "222000000000000001"
    assert added.event_id != removed.event_id


def test_a_custom_emoji_reaction_is_not_translated() -> None:
    custom = {**payload("message_reaction_remove"), "emoji": {"name": "party", "id": "1"}}
    event = translate.reaction_event(
        custom,
        EventKind.REACTION,
        channel=translate.Channel(0),
        cached_name=None,
        received_at=datetime(2026, 11, 23, tzinfo=UTC),
    )
    assert event is None
