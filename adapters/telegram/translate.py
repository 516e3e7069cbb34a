"""Pure translation between Telegram's objects and the core's boundary types.

No network and no state: the adapter looks up what needs the API (the bot's own identity,
admin rights) and passes it in, so every rule here is tested on recorded JSON payloads.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from telegram import (
    CallbackQuery,
    ChatMember,
    ChatMemberUpdated,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    InputFile,
    LinkPreviewOptions,
    Message,
    MessageEntity,
    MessageReactionUpdated,
    ReactionType,
    ReactionTypeEmoji,
    ReplyParameters,
    Update,
    User,
)
from telegram.constants import ChatType, ParseMode

from adapters.telegram.html import html_parts
from core.events import (
    Actor,
    EventKind,
    IncomingEvent,
    OutgoingMessage,
    Place,
    PlaceKind,
    Platform,
    RenderedButton,
    Role,
    Visibility,
)

log = logging.getLogger(__name__)

MESSAGE_LIMIT = 4096
CAPTION_LIMIT = 1024
# What Telegram shows inline as a photo; anything else goes as a document.
PHOTO_TYPES = frozenset({"image/png", "image/jpeg", "image/webp"})
CALLBACK_DATA_LIMIT = 64
_SPACES = re.compile(r"[ \t]{2,}")
_GROUP_KINDS = {ChatType.GROUP, ChatType.SUPERGROUP}


@dataclass(frozen=True)
class BotIdentity:
    """Who the bot is on Telegram, from getMe: needed to tell mentions and commands apart."""

    id: int
    username: str


@dataclass(frozen=True)
class ApiCall:
    """One Bot API call the adapter will make: a Bot method name and its keyword arguments."""

    method: str
    kwargs: dict[str, Any] = field(default_factory=dict)


def to_events(
    update: Update, me: BotIdentity, *, role: Role = Role.MEMBER, now: datetime | None = None
) -> list[IncomingEvent]:
    """The core events in one update; empty for what the core has no use for (edits, polls)."""
    received = now or datetime.now(UTC)
    if update.callback_query is not None:
        return _action(update.update_id, update.callback_query, role, received)
    if update.chat_member is not None:
        return _membership(update.update_id, update.chat_member, received)
    if update.message_reaction is not None:
        return _reactions(update.update_id, update.message_reaction, received)
    message = update.message
    if message is None or message.from_user is None:
        return []
    joined = [u for u in message.new_chat_members or () if u.id != me.id]
    if joined:
        return [
            _member_event(
                f"{update.update_id}:{user.id}", EventKind.MEMBER_JOINED, user, message, received
            )
            for user in joined
        ]
    if message.left_chat_member is not None:
        user = message.left_chat_member
        return [
            _member_event(str(update.update_id), EventKind.MEMBER_LEFT, user, message, received)
        ]
    text = message.text or message.caption or ""
    if not text:
        return []
    return [_message(update.update_id, message, text, me, role, received)]


def chat_of(update: Update) -> tuple[int, bool] | None:
    """The chat an update happened in and whether it is a group (where admin rights matter)."""
    chat = update.effective_chat
    if chat is None:
        return None
    return chat.id, chat.type in _GROUP_KINDS


def _actor(user: User, role: Role) -> Actor:
    return Actor(
        platform=Platform.TELEGRAM,
        platform_user_id=str(user.id),
        display_name=user.full_name or user.username or str(user.id),
        role=role,
        locale=user.language_code,
        is_bot=user.is_bot,
    )


def _place(message: Message) -> Place:
    chat = message.chat
    kind = PlaceKind.DM if chat.type == ChatType.PRIVATE else PlaceKind.GROUP
    if chat.type == ChatType.CHANNEL:
        kind = PlaceKind.CHANNEL
    # message_thread_id is also set on plain replies in supergroups; only a forum topic is a
    # thread that a reply must be addressed to.
    thread = str(message.message_thread_id) if message.is_topic_message else None
    return Place(Platform.TELEGRAM, str(chat.id), kind, thread_id=thread)


def _message(
    update_id: int, message: Message, text: str, me: BotIdentity, role: Role, received: datetime
) -> IncomingEvent:
    assert message.from_user is not None
    entities = message.entities or message.caption_entities or ()
    replied = message.reply_to_message
    to_bot = replied is not None and replied.from_user is not None and replied.from_user.id == me.id
    common: dict[str, Any] = {
        "event_id": str(update_id),
        "actor": _actor(message.from_user, role),
        "place": _place(message),
        "received_at": received,
        "message_id": str(message.message_id),
        "reply_to_id": str(replied.message_id) if replied is not None else None,
        "raw": message.to_dict(),
    }
    command = _command(text, entities, me)
    if command is not None:
        name, arg_text = command
        return IncomingEvent(
            kind=EventKind.COMMAND,
            text=text,
            command=name,
            arg_text=arg_text,
            mentions_bot=to_bot,
            **common,
        )
    mentioned, stripped = _strip_mentions(text, entities, me)
    return IncomingEvent(
        kind=EventKind.MESSAGE, text=stripped, mentions_bot=mentioned or to_bot, **common
    )


def _command(
    text: str, entities: Sequence[MessageEntity], me: BotIdentity
) -> tuple[str, str] | None:
    """``/faq@townhall_bot add x`` → ("faq", "add x"); a command for another bot is a message."""
    first = next((e for e in entities if e.type == MessageEntity.BOT_COMMAND), None)
    if first is None or first.offset != 0:
        return None
    head = _utf16_slice(text, 0, first.length)
    name, _, addressee = head[1:].partition("@")
    if addressee and addressee.lower() != me.username.lower():
        return None
    return name.lower(), _utf16_slice(text, first.length, None).strip()


def _strip_mentions(
    text: str, entities: Sequence[MessageEntity], me: BotIdentity
) -> tuple[bool, str]:
    """Whether the bot is addressed by @username (or a text mention), and the text without it."""
    handle = f"@{me.username}".lower()
    spans = [
        (e.offset, e.length)
        for e in entities
        if (
            e.type == MessageEntity.MENTION
            and _utf16_slice(text, e.offset, e.offset + e.length).lower() == handle
        )
        or (e.type == MessageEntity.TEXT_MENTION and e.user is not None and e.user.id == me.id)
    ]
    if not spans:
        return False, text
    units = text.encode("utf-16-le")
    for offset, length in sorted(spans, reverse=True):
        units = units[: offset * 2] + units[(offset + length) * 2 :]
    return True, _SPACES.sub(" ", units.decode("utf-16-le")).strip(" ,:\n")


def _utf16_slice(text: str, start: int, end: int | None) -> str:
    """Telegram counts entity offsets in UTF-16 code units, so emoji shift Python indices."""
    units = text.encode("utf-16-le")
    return units[start * 2 : None if end is None else end * 2].decode("utf-16-le", "replace")


def _action(
    update_id: int, query: CallbackQuery, role: Role, received: datetime
) -> list[IncomingEvent]:
    action_id, _, action_arg = (query.data or "").partition(":")
    message = query.message
    if isinstance(message, Message):
        place = _place(message)
        message_id: str | None = str(message.message_id)
    else:
        place = Place(Platform.TELEGRAM, str(query.from_user.id), PlaceKind.DM)
        message_id = None
    return [
        IncomingEvent(
            event_id=str(update_id),
            kind=EventKind.ACTION,
            actor=_actor(query.from_user, role),
            place=place,
            received_at=received,
            message_id=message_id,
            action_id=action_id,
            action_arg=action_arg,
            raw=query.to_dict(),
        )
    ]


def _member_event(
    event_id: str, kind: EventKind, user: User, message: Message, received: datetime
) -> IncomingEvent:
    return IncomingEvent(
        event_id=event_id,
        kind=kind,
        actor=_actor(user, Role.MEMBER),
        place=_place(message),
        received_at=received,
        message_id=str(message.message_id),
        raw=message.to_dict(),
    )


def _emoji(reactions: Sequence[ReactionType]) -> set[str]:
    """Plain emoji only: custom and paid reactions carry no emoji to compare."""
    return {r.emoji for r in reactions if isinstance(r, ReactionTypeEmoji)}


def _reactions(
    update_id: int, change: MessageReactionUpdated, received: datetime
) -> list[IncomingEvent]:
    """One event per emoji added or taken back. Anonymous reactions (a channel's, or an
    admin's as the group) name no user and are left out."""
    if change.user is None:
        return []
    old, new = _emoji(change.old_reaction), _emoji(change.new_reaction)
    chat = change.chat
    where = PlaceKind.CHANNEL if chat.type == ChatType.CHANNEL else PlaceKind.GROUP
    place = Place(Platform.TELEGRAM, str(chat.id), where)
    changes = [(EventKind.REACTION, e) for e in sorted(new - old)]
    changes += [(EventKind.REACTION_REMOVED, e) for e in sorted(old - new)]
    return [
        IncomingEvent(
            event_id=f"{update_id}:{kind.value}:{emoji}",
            kind=kind,
            actor=_actor(change.user, Role.MEMBER),
            place=place,
            received_at=received,
            message_id=str(change.message_id),
            emoji=emoji,
            raw=change.to_dict(),
        )
        for kind, emoji in changes
    ]


def _membership(
    update_id: int, change: ChatMemberUpdated, received: datetime
) -> list[IncomingEvent]:
    """chat_member updates (sent to admin bots that ask for them) as joins and leaves."""
    was_member = _is_member(change.old_chat_member)
    is_member = _is_member(change.new_chat_member)
    if was_member == is_member:
        return []
    chat = change.chat
    kind = PlaceKind.GROUP if chat.type in _GROUP_KINDS else PlaceKind.CHANNEL
    return [
        IncomingEvent(
            event_id=str(update_id),
            kind=EventKind.MEMBER_JOINED if is_member else EventKind.MEMBER_LEFT,
            actor=_actor(change.new_chat_member.user, Role.MEMBER),
            place=Place(Platform.TELEGRAM, str(chat.id), kind),
            received_at=received,
            raw=change.to_dict(),
        )
    ]


def _is_member(member: ChatMember) -> bool:
    """A restricted user may still be in the chat; only ``is_member`` says."""
    if member.status in (ChatMember.OWNER, ChatMember.ADMINISTRATOR, ChatMember.MEMBER):
        return True
    return member.status == ChatMember.RESTRICTED and bool(getattr(member, "is_member", False))


def keyboard(buttons: Sequence[RenderedButton]) -> InlineKeyboardMarkup | None:
    """Short labels share a row (up to three), long ones get a row each, as people read them."""
    if not buttons:
        return None
    longest = max(len(b.label) for b in buttons)
    per_row = 3 if longest <= 10 else 2 if longest <= 20 else 1
    keys = [InlineKeyboardButton(b.label, callback_data=callback_data(b.data)) for b in buttons]
    return InlineKeyboardMarkup([keys[i : i + per_row] for i in range(0, len(keys), per_row)])


def callback_data(data: str) -> str:
    """Telegram rejects callback data over 64 bytes; cut at a character boundary instead."""
    encoded = data.encode()
    if len(encoded) <= CALLBACK_DATA_LIMIT:
        return data
    log.warning("callback data over %d bytes truncated: %r", CALLBACK_DATA_LIMIT, data)
    return encoded[:CALLBACK_DATA_LIMIT].decode(errors="ignore")


def target_chat(message: OutgoingMessage) -> str:
    """Public messages go to the place; private ones to the person's DM (their user id)."""
    if message.visibility is Visibility.PRIVATE:
        target = message.user_id or message.chat_id
    else:
        target = message.chat_id or message.user_id
    if target is None:
        raise ValueError("an outgoing Telegram message needs a chat_id or a user_id")
    return target


def to_api_calls(message: OutgoingMessage) -> list[ApiCall]:
    """The calls that deliver ``message``: its Markdown as HTML, split past 4,096 characters,
    files as photos or documents (the text as their caption when it fits), buttons on the
    last call.

    A private message goes to the user's DM, so the group's thread and reply do not apply.
    """
    chat = target_chat(message)
    in_place = chat == message.chat_id
    files = [] if message.edit_message_id is not None else list(message.attachments)
    captions = html_parts(message.text, CAPTION_LIMIT) if files else []
    caption = captions[0] if len(captions) == 1 else None
    calls = [] if caption is not None else _text_calls(message, chat)
    for index, attachment in enumerate(files):
        method, field_name = (
            ("send_photo", "photo")
            if attachment.mime_type in PHOTO_TYPES
            else ("send_document", "document")
        )
        kwargs: dict[str, Any] = {
            "chat_id": chat,
            field_name: InputFile(attachment.content, filename=attachment.filename),
        }
        if index == 0 and caption:
            kwargs |= {"caption": caption, "parse_mode": ParseMode.HTML}
        calls.append(ApiCall(method, kwargs))
    if not calls:
        return []
    markup = keyboard(message.buttons)
    if markup is not None:
        calls[-1].kwargs["reply_markup"] = markup
    for index, call in enumerate(calls):
        if call.method == "edit_message_text":
            continue
        if in_place and message.thread_id is not None:
            call.kwargs["message_thread_id"] = int(message.thread_id)
        if in_place and index == 0 and message.reply_to_id is not None:
            call.kwargs["reply_parameters"] = ReplyParameters(
                message_id=int(message.reply_to_id), allow_sending_without_reply=True
            )
    return calls


def _text_calls(message: OutgoingMessage, chat: str) -> list[ApiCall]:
    common: dict[str, Any] = {
        "parse_mode": ParseMode.HTML,
        "link_preview_options": LinkPreviewOptions(is_disabled=True),
    }
    calls = []
    for index, part in enumerate(html_parts(message.text, MESSAGE_LIMIT)):
        kwargs: dict[str, Any] = {"chat_id": chat, "text": part, **common}
        if index == 0 and message.edit_message_id is not None:
            kwargs["message_id"] = int(message.edit_message_id)
            calls.append(ApiCall("edit_message_text", kwargs))
        else:
            calls.append(ApiCall("send_message", kwargs))
    return calls
