"""Discord payloads to core events and rendered messages to send arguments, as pure functions.

Translation reads the gateway's JSON (the shapes Discord documents), not discord.py's model
objects, so it is tested on recorded payloads and survives library upgrades. The few facts a
payload lacks (a member's computed permissions, a channel's type) come from the library's
cache and are passed in.
"""

from __future__ import annotations

import io
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from urllib.parse import parse_qsl, urlencode

import discord

from adapters.discord.markdown import markdown_parts
from core.events import (
    Actor,
    EventKind,
    IncomingEvent,
    OutgoingMessage,
    Place,
    PlaceKind,
    Platform,
    Role,
)
from core.registry import ArgType, CommandSpec

MESSAGE_LIMIT = 2000
BUTTON_LABEL_LIMIT = 80
CUSTOM_ID_LIMIT = 100
BUTTONS_PER_ROW = 5
MAX_BUTTONS = 25

MANAGE_GUILD = discord.Permissions(manage_guild=True).value
ADMINISTRATOR = discord.Permissions(administrator=True).value

# Discord's channel types: https://discord.com/developers/docs/resources/channel
DM_CHANNEL_TYPES = frozenset({1, 3})
THREAD_CHANNEL_TYPES = frozenset({10, 11, 12})
# Ordinary and reply messages; joins, pins and boosts are system messages, not speech.
SPOKEN_MESSAGE_TYPES = frozenset({0, 19})

SUBCOMMAND = 1
APPLICATION_COMMAND = 2
MESSAGE_COMPONENT = 3
MODAL_SUBMIT = 5
FORM_PREFIX = "form:"
FORM_SECONDS = 900.0
MODAL_TITLE_LIMIT = 45
MODAL_LABEL_LIMIT = 45
FORM_SHORT_LIMIT = 200
FORM_TEXT_LIMIT = 4000

# Member text may mention anyone; the bot never pings on its behalf.
NO_MENTIONS = discord.AllowedMentions(everyone=False, users=False, roles=False, replied_user=False)


@dataclass(frozen=True)
class Channel:
    """What the cache knows of a channel that its payloads do not say."""

    type: int | None = None
    parent_id: str | None = None


def role_of(
    role_ids: Iterable[str], permissions: int | None, moderator_role_ids: Iterable[str]
) -> Role:
    """Moderator by a configured role or by Manage Server (administrators have it implicitly)."""
    if permissions is not None and permissions & (MANAGE_GUILD | ADMINISTRATOR):
        return Role.MODERATOR
    if set(map(str, role_ids)) & set(moderator_role_ids):
        return Role.MODERATOR
    return Role.MEMBER


def place_of(channel_id: str, guild_id: str | None, channel: Channel) -> Place:
    """A thread is addressed as its parent plus the thread, like a topic in a Telegram group."""
    if guild_id is None or channel.type in DM_CHANNEL_TYPES:
        return Place(Platform.DISCORD, channel_id, PlaceKind.DM)
    if channel.type in THREAD_CHANNEL_TYPES and channel.parent_id:
        return Place(
            Platform.DISCORD, channel.parent_id, PlaceKind.THREAD, guild_id, thread_id=channel_id
        )
    return Place(Platform.DISCORD, channel_id, PlaceKind.CHANNEL, guild_id)


def _display_name(user: Mapping[str, Any], member: Mapping[str, Any] | None) -> str:
    nick = member.get("nick") if member else None
    return str(nick or user.get("global_name") or user.get("username") or user["id"])


def actor_of(
    user: Mapping[str, Any],
    member: Mapping[str, Any] | None,
    *,
    role: Role = Role.MEMBER,
    locale: str | None = None,
) -> Actor:
    return Actor(
        platform=Platform.DISCORD,
        platform_user_id=str(user["id"]),
        display_name=_display_name(user, member),
        role=role,
        locale=locale,
        is_bot=bool(user.get("bot", False)),
        role_ids=tuple(str(r) for r in (member or {}).get("roles", [])),
    )


def message_event(
    payload: Mapping[str, Any],
    *,
    bot_id: str,
    channel: Channel,
    permissions: int | None,
    moderator_role_ids: Sequence[str],
    received_at: datetime,
) -> IncomingEvent | None:
    """A MESSAGE_CREATE; None for bots, webhooks and system messages."""
    author = payload["author"]
    if author.get("bot") or payload.get("webhook_id"):
        return None
    if payload.get("type", 0) not in SPOKEN_MESSAGE_TYPES:
        return None
    member = payload.get("member")
    guild_id = payload.get("guild_id")
    mentioned = any(str(u.get("id")) == bot_id for u in payload.get("mentions", []))
    text = str(payload.get("content", ""))
    if mentioned:
        text = re.sub(rf"<@!?{re.escape(bot_id)}>", "", text)
    reference = payload.get("message_reference") or {}
    role = role_of(member.get("roles", []) if member else [], permissions, moderator_role_ids)
    return IncomingEvent(
        event_id=str(payload["id"]),
        kind=EventKind.MESSAGE,
        actor=actor_of(author, member, role=role),
        place=place_of(str(payload["channel_id"]), guild_id and str(guild_id), channel),
        received_at=received_at,
        text=" ".join(text.split()) if mentioned else text.strip(),
        message_id=str(payload["id"]),
        reply_to_id=str(reference["message_id"]) if reference.get("message_id") else None,
        mentions_bot=mentioned,
        raw=payload,
    )


def _interaction_actor(
    payload: Mapping[str, Any], moderator_role_ids: Sequence[str]
) -> tuple[Actor, Place]:
    member = payload.get("member")
    user = member["user"] if member else payload["user"]
    permissions = int(member["permissions"]) if member and "permissions" in member else None
    role = role_of(member.get("roles", []) if member else [], permissions, moderator_role_ids)
    actor = actor_of(user, member, role=role, locale=payload.get("locale"))
    raw_channel = payload.get("channel") or {}
    channel = Channel(
        type=raw_channel.get("type"),
        parent_id=str(raw_channel["parent_id"]) if raw_channel.get("parent_id") else None,
    )
    guild_id = payload.get("guild_id")
    channel_id = payload.get("channel_id") or raw_channel.get("id")
    return actor, place_of(str(channel_id), guild_id and str(guild_id), channel)


def _option_text(value: Any) -> str:
    return str(value).lower() if isinstance(value, bool) else str(value)


def interaction_event(
    payload: Mapping[str, Any], *, moderator_role_ids: Sequence[str], received_at: datetime
) -> IncomingEvent | None:
    """A slash command or a button press; other interactions (autocomplete) are not events.

    A subcommand travels as ``arg_text`` with its options already typed in ``args``: the
    router resolves "faq" + "list" to the "faq list" declaration and uses ``args`` as given.
    """
    kind = payload.get("type")
    if kind not in (APPLICATION_COMMAND, MESSAGE_COMPONENT, MODAL_SUBMIT):
        return None
    actor, place = _interaction_actor(payload, moderator_role_ids)
    data = payload.get("data") or {}
    common: dict[str, Any] = {
        "event_id": str(payload["id"]),
        "actor": actor,
        "place": place,
        "received_at": received_at,
        "raw": payload,
    }
    if kind == MESSAGE_COMPONENT:
        action_id, _, action_arg = str(data.get("custom_id", "")).partition(":")
        message = payload.get("message") or {}
        return IncomingEvent(
            kind=EventKind.ACTION,
            action_id=action_id,
            action_arg=action_arg,
            message_id=str(message["id"]) if message.get("id") else None,
            **common,
        )
    if kind == MODAL_SUBMIT:
        return _form_event(data, common)
    options = list(data.get("options") or [])
    sub = ""
    if options and options[0].get("type") == SUBCOMMAND:
        sub = str(options[0]["name"])
        options = list(options[0].get("options") or [])
    return IncomingEvent(
        kind=EventKind.COMMAND,
        command=str(data.get("name", "")),
        arg_text=sub,
        args={str(o["name"]): _option_text(o.get("value", "")) for o in options},
        **common,
    )


def _form_event(data: Mapping[str, Any], common: dict[str, Any]) -> IncomingEvent | None:
    """A submitted form (see ``form_for``) is the command it stood in for, now with its text."""
    custom_id = str(data.get("custom_id", ""))
    if not custom_id.startswith(FORM_PREFIX):
        return None
    name, _, chosen = custom_id.removeprefix(FORM_PREFIX).partition("?")
    command, _, sub = name.partition(" ")
    fields = [f for row in data.get("components") or [] for f in row.get("components") or []]
    return IncomingEvent(
        kind=EventKind.COMMAND,
        command=command,
        arg_text=sub,
        args=dict(parse_qsl(chosen))
        | {str(f["custom_id"]): str(f.get("value") or "") for f in fields},
        **common,
    )


def form_for(
    spec: CommandSpec, title: str, labels: Mapping[str, str], chosen: Mapping[str, Any]
) -> discord.ui.Modal | None:
    """A modal asking for a form command's text arguments; None for any other command.

    What the member already chose in the slash command (``/feedback new category:bug``)
    travels in the modal's custom_id, since the submission carries nothing else of it. A
    description too long for a modal's title keeps what comes before its colon.
    """
    texts = list(spec.form_fields) or [arg for arg in spec.args if arg.type is ArgType.TEXT]
    kept = {a.name: str(chosen[a.name]) for a in spec.args if chosen.get(a.name) is not None}
    custom_id = f"{FORM_PREFIX}{spec.name}" + (f"?{urlencode(kept)}" if kept else "")
    if not spec.form or not texts or len(custom_id) > CUSTOM_ID_LIMIT:
        return None
    if len(title) > MODAL_TITLE_LIMIT:
        title = re.split(r"[:：]", title, maxsplit=1)[0]
    modal = discord.ui.Modal(
        title=title[:MODAL_TITLE_LIMIT], custom_id=custom_id, timeout=FORM_SECONDS
    )
    for index, arg in enumerate(texts):
        long = index == len(texts) - 1 and not spec.form_fields
        modal.add_item(
            discord.ui.TextInput(
                label=labels.get(arg.name, arg.name)[:MODAL_LABEL_LIMIT],
                custom_id=arg.name,
                style=discord.TextStyle.paragraph if long else discord.TextStyle.short,
                max_length=FORM_TEXT_LIMIT if long else FORM_SHORT_LIMIT,
                required=arg.required or index == 0,
            )
        )
    return modal


def focused_option(payload: Mapping[str, Any]) -> tuple[str, str] | None:
    """The option being typed in an autocomplete interaction: (name, text so far)."""
    options = list((payload.get("data") or {}).get("options") or [])
    while options:
        option = options.pop(0)
        if option.get("focused"):
            return str(option["name"]), str(option.get("value", ""))
        options = list(option.get("options") or []) + options
    return None


def member_event(
    payload: Mapping[str, Any],
    kind: EventKind,
    *,
    system_channel_id: str | None,
    received_at: datetime,
) -> IncomingEvent | None:
    """GUILD_MEMBER_ADD / GUILD_MEMBER_REMOVE; the place is where a welcome would be said."""
    user = payload["user"]
    if user.get("bot"):
        return None
    guild_id = str(payload["guild_id"])
    stamp = payload.get("joined_at") or received_at.isoformat()
    return IncomingEvent(
        event_id=f"{kind.value}:{guild_id}:{user['id']}:{stamp}",
        kind=kind,
        actor=actor_of(user, payload),
        place=Place(Platform.DISCORD, system_channel_id or guild_id, PlaceKind.CHANNEL, guild_id),
        received_at=received_at,
        raw=payload,
    )


def reaction_event(
    payload: Mapping[str, Any],
    kind: EventKind,
    *,
    channel: Channel,
    cached_name: str | None,
    received_at: datetime,
) -> IncomingEvent | None:
    """MESSAGE_REACTION_ADD / _REMOVE; None for a bot's or a custom emoji (no emoji to
    compare). A removal carries no member, so the name comes from the cache."""
    member = payload.get("member")
    user = member.get("user") if member else None
    if (user and user.get("bot")) or payload["emoji"].get("id"):
        return None
    user_id = str(payload["user_id"])
    actor = (
        actor_of(user, member) if user else Actor(Platform.DISCORD, user_id, cached_name or user_id)
    )
    emoji = str(payload["emoji"].get("name") or "")
    message_id = str(payload["message_id"])
    guild_id = payload.get("guild_id")
    return IncomingEvent(
        event_id=f"{kind.value}:{message_id}:{user_id}:{emoji}:{received_at.timestamp()}",
        kind=kind,
        actor=actor,
        place=place_of(str(payload["channel_id"]), guild_id and str(guild_id), channel),
        received_at=received_at,
        message_id=message_id,
        emoji=emoji,
        raw=payload,
    )


class ButtonLayout(discord.ui.View):
    """Buttons as a layout only: presses are handled by custom_id from any interaction (so
    they keep working after a restart; their state is in the database), so discord.py must
    not keep this object in its view store."""

    def is_dispatchable(self) -> bool:
        return False


def button_rows(message: OutgoingMessage) -> discord.ui.View | None:
    buttons = [b for b in message.buttons if 0 < len(b.data) <= CUSTOM_ID_LIMIT][:MAX_BUTTONS]
    if not buttons:
        return None
    view = ButtonLayout(timeout=None)
    for index, button in enumerate(buttons):
        view.add_item(
            discord.ui.Button(
                label=(button.label or button.data)[:BUTTON_LABEL_LIMIT],
                custom_id=button.data,
                style=discord.ButtonStyle.secondary,
                row=index // BUTTONS_PER_ROW,
            )
        )
    return view


def send_kwargs(message: OutgoingMessage) -> list[dict[str, Any]]:
    """One dict of ``Messageable.send`` arguments per part: the Markdown in Discord's form,
    long text split, buttons and attachments on the last part, the first part answering the
    message replied to."""
    parts = markdown_parts(message.text, MESSAGE_LIMIT)
    calls: list[dict[str, Any]] = [
        {"content": part, "allowed_mentions": NO_MENTIONS} for part in parts
    ]
    view = button_rows(message)
    if view is not None:
        calls[-1]["view"] = view
    if message.attachments:
        calls[-1]["files"] = [
            discord.File(io.BytesIO(a.content), filename=a.filename) for a in message.attachments
        ]
    if message.reply_to_id and (message.thread_id or message.chat_id):
        calls[0]["reference"] = discord.MessageReference(
            message_id=int(message.reply_to_id),
            channel_id=int(message.thread_id or message.chat_id or 0),
            fail_if_not_exists=False,
        )
    return calls
