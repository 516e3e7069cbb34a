"""Random payloads shaped like what Telegram and Discord send: translation gives events or
skips, and never raises (a raised error would lose the update and, on Telegram, stall it).

Shapes follow the Bot API and the gateway: required fields present, everything else
optional, null or odd (empty strings, entity offsets past the text, unknown types)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from telegram import Update

from adapters.discord import translate as discord_translate
from adapters.telegram.translate import BotIdentity, to_events
from core.events import EventKind, IncomingEvent

FAST = settings(
    max_examples=60, derandomize=True, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)
ME = BotIdentity(777000111, "townhall_bot")
NOW = datetime(2026, 12, 5, 12, 0, tzinfo=UTC)
BOT_ID = "1400000000000000001"

ids = st.integers(1, 2**40)
texts = st.text(max_size=40)
words = st.one_of(
    texts,
    st.sampled_from(["/faq list", "/event create", "@townhall_bot hi", "/start@townhall_bot"]),
    st.builds(lambda a, b: f"/{a} {b}", st.from_regex(r"[a-z_@]{0,12}", fullmatch=True), texts),
)

tg_users = st.fixed_dictionaries(
    {"id": ids, "is_bot": st.booleans(), "first_name": texts},
    optional={
        "last_name": texts,
        "username": st.from_regex(r"[a-z_]{1,12}", fullmatch=True),
        "language_code": st.sampled_from(["en", "zh-hans", "zh-CN", "de", ""]),
    },
)
tg_chats = st.fixed_dictionaries(
    {
        "id": st.integers(-(10**13), 10**10),
        "type": st.sampled_from(["private", "group", "supergroup", "channel"]),
    },
    optional={"title": texts, "is_forum": st.booleans()},
)
tg_entities = st.lists(
    st.fixed_dictionaries(
        {
            "type": st.sampled_from(["bot_command", "mention", "text_mention", "bold", "url"]),
            "offset": st.integers(0, 60),
            "length": st.integers(0, 60),
        },
        optional={"user": tg_users},
    ),
    max_size=3,
)
tg_basic = {"message_id": ids, "date": st.integers(0, 2**31), "chat": tg_chats}
tg_replied = st.fixed_dictionaries(tg_basic, optional={"from": tg_users, "text": words})
tg_messages = st.fixed_dictionaries(
    tg_basic,
    optional={
        "from": tg_users,
        "text": words,
        "entities": tg_entities,
        "caption": texts,
        "message_thread_id": ids,
        "is_topic_message": st.booleans(),
        "new_chat_members": st.lists(tg_users, max_size=2),
        "left_chat_member": tg_users,
        "reply_to_message": tg_replied,
    },
)
tg_callbacks = st.fixed_dictionaries(
    {"id": st.text(min_size=1, max_size=8), "from": tg_users, "chat_instance": texts},
    optional={"data": st.one_of(texts, st.just("ev.rsvp:1:going")), "message": tg_messages},
)
tg_reactions = st.fixed_dictionaries(
    {
        "chat": tg_chats,
        "message_id": ids,
        "date": st.integers(0, 2**31),
        "old_reaction": st.just([]),
        "new_reaction": st.lists(
            st.fixed_dictionaries(
                {"type": st.just("emoji"), "emoji": st.sampled_from(["👍", "🙏", "❤"])}
            ),
            max_size=2,
        ),
    },
    optional={"user": tg_users},
)
tg_statuses = st.one_of(
    st.fixed_dictionaries({"status": st.sampled_from(["member", "left"]), "user": tg_users}),
    st.fixed_dictionaries(
        {"status": st.just("kicked"), "user": tg_users, "until_date": st.integers(0, 2**31)}
    ),
)
tg_chat_members = st.fixed_dictionaries(
    {
        "chat": tg_chats,
        "from": tg_users,
        "date": st.integers(0, 2**31),
        "old_chat_member": tg_statuses,
        "new_chat_member": tg_statuses,
    }
)
tg_updates = st.tuples(
    ids,
    st.one_of(
        st.tuples(st.sampled_from(["message", "edited_message"]), tg_messages),
        st.tuples(st.just("callback_query"), tg_callbacks),
        st.tuples(st.just("message_reaction"), tg_reactions),
        st.tuples(st.sampled_from(["chat_member", "my_chat_member"]), tg_chat_members),
    ),
).map(lambda pair: {"update_id": pair[0], pair[1][0]: pair[1][1]})


@FAST
@given(tg_updates)
def test_any_telegram_update_translates_or_is_skipped(data: dict[str, Any]) -> None:
    events = to_events(Update.de_json(data, None), ME)
    assert all(isinstance(event, IncomingEvent) for event in events)


snowflakes = st.integers(10**17, 10**19).map(str)
dc_users = st.fixed_dictionaries(
    {"id": snowflakes, "username": texts},
    optional={"global_name": st.none() | texts, "bot": st.booleans()},
)
dc_members = st.fixed_dictionaries(
    {"roles": st.lists(snowflakes, max_size=3)},
    optional={"nick": st.none() | texts, "permissions": st.integers(0, 2**40).map(str)},
)
dc_messages = st.fixed_dictionaries(
    {"id": snowflakes, "channel_id": snowflakes, "author": dc_users, "content": words},
    optional={
        "guild_id": snowflakes,
        "member": dc_members,
        "type": st.sampled_from([0, 6, 7, 19, 20, 21]),
        "webhook_id": snowflakes,
        "mentions": st.lists(
            st.one_of(dc_users, st.just({"id": BOT_ID, "username": "townhall"})), max_size=2
        ),
        "message_reference": st.fixed_dictionaries({}, optional={"message_id": snowflakes}),
    },
)
dc_channels = st.builds(
    discord_translate.Channel,
    st.none() | st.sampled_from([0, 1, 5, 10, 11, 12, 15]),
    st.none() | snowflakes,
)


@FAST
@given(dc_messages, dc_channels, st.none() | st.integers(0, 2**40))
def test_any_discord_message_translates_or_is_skipped(
    payload: dict[str, Any], channel: discord_translate.Channel, permissions: int | None
) -> None:
    event = discord_translate.message_event(
        payload,
        bot_id=BOT_ID,
        channel=channel,
        permissions=permissions,
        moderator_role_ids=["1000000000000000050"],
        received_at=NOW,
    )
    assert event is None or event.kind is EventKind.MESSAGE


dc_options: st.SearchStrategy[list[dict[str, Any]]] = st.lists(
    st.fixed_dictionaries(
        {"name": st.from_regex(r"[a-z]{1,8}", fullmatch=True), "type": st.integers(1, 11)},
        optional={
            "value": st.one_of(texts, st.integers(), st.booleans(), st.floats(allow_nan=False)),
            "options": st.lists(
                st.fixed_dictionaries(
                    {"name": st.from_regex(r"[a-z]{1,8}", fullmatch=True), "type": st.just(3)},
                    optional={"value": texts},
                ),
                max_size=2,
            ),
            "focused": st.booleans(),
        },
    ),
    max_size=3,
)
dc_interaction_data = st.fixed_dictionaries(
    {},
    optional={
        "name": texts,
        "custom_id": st.one_of(texts, st.just("ev.rsvp:1:going"), st.just("form:event create")),
        "component_type": st.just(2),
        "options": st.none() | dc_options,
        "components": st.lists(
            st.fixed_dictionaries(
                {
                    "type": st.just(1),
                    "components": st.lists(
                        st.fixed_dictionaries(
                            {"type": st.just(4), "custom_id": texts},
                            optional={"value": st.none() | texts},
                        ),
                        max_size=2,
                    ),
                }
            ),
            max_size=2,
        ),
    },
)
dc_interactions = st.one_of(
    st.fixed_dictionaries(
        {
            "id": snowflakes,
            "type": st.integers(1, 5),
            "guild_id": snowflakes,
            "member": dc_members.flatmap(
                lambda member: dc_users.map(lambda user: member | {"user": user})
            ),
        },
        optional={
            "channel_id": snowflakes,
            "channel": st.fixed_dictionaries(
                {"id": snowflakes},
                optional={"type": st.integers(0, 15), "parent_id": st.none() | snowflakes},
            ),
            "data": st.none() | dc_interaction_data,
            "locale": st.sampled_from(["en-US", "zh-CN", "de"]),
            "message": st.fixed_dictionaries({}, optional={"id": snowflakes}),
        },
    ),
    st.fixed_dictionaries(
        {"id": snowflakes, "type": st.integers(1, 5), "user": dc_users, "channel_id": snowflakes},
        optional={"data": st.none() | dc_interaction_data},
    ),
)


@FAST
@given(dc_interactions)
def test_any_discord_interaction_translates_or_is_skipped(payload: dict[str, Any]) -> None:
    event = discord_translate.interaction_event(
        payload, moderator_role_ids=["1000000000000000050"], received_at=NOW
    )
    assert event is None or event.kind in (EventKind.COMMAND, EventKind.ACTION)
    discord_translate.focused_option(payload)


dc_member_changes = st.fixed_dictionaries(
    {"user": dc_users, "guild_id": snowflakes},
    optional={"joined_at": st.none() | texts, "nick": st.none() | texts, "roles": st.just([])},
)
dc_reactions = st.fixed_dictionaries(
    {
        "user_id": snowflakes,
        "channel_id": snowflakes,
        "message_id": snowflakes,
        "emoji": st.fixed_dictionaries(
            {}, optional={"id": st.none() | snowflakes, "name": st.none() | texts}
        ),
    },
    optional={
        "guild_id": snowflakes,
        "member": st.fixed_dictionaries({}, optional={"user": dc_users, "roles": st.just([])}),
    },
)


@FAST
@given(dc_member_changes, dc_reactions, dc_channels, st.none() | snowflakes)
def test_any_discord_member_change_or_reaction_translates_or_is_skipped(
    member: dict[str, Any],
    reaction: dict[str, Any],
    channel: discord_translate.Channel,
    system_channel: str | None,
) -> None:
    joined = discord_translate.member_event(
        member, EventKind.MEMBER_JOINED, system_channel_id=system_channel, received_at=NOW
    )
    assert joined is None or joined.kind is EventKind.MEMBER_JOINED
    reacted = discord_translate.reaction_event(
        reaction, EventKind.REACTION, channel=channel, cached_name=None, received_at=NOW
    )
    assert reacted is None or reacted.emoji is not None
