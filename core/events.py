"""The types that cross the adapter boundary.

Adapters turn platform payloads into these and back; nothing platform-specific passes further
in, so every feature works the same on Discord, Telegram and the console.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from enum import IntEnum, StrEnum
from typing import Any

from core.hygiene import clean


class Platform(StrEnum):
    DISCORD = "discord"
    TELEGRAM = "telegram"
    CONSOLE = "console"


class Role(IntEnum):
    """Ordered so that a check is a comparison: founder ≥ moderator ≥ member."""

    MEMBER = 0
    MODERATOR = 1
    FOUNDER = 2


class PlaceKind(StrEnum):
    DM = "dm"
    GROUP = "group"
    CHANNEL = "channel"
    THREAD = "thread"


class EventKind(StrEnum):
    MESSAGE = "message"
    COMMAND = "command"
    ACTION = "action"
    MEMBER_JOINED = "member_joined"
    MEMBER_LEFT = "member_left"
    REACTION = "reaction"
    REACTION_REMOVED = "reaction_removed"


class Visibility(StrEnum):
    """Private is ephemeral on Discord and a DM on Telegram."""

    PUBLIC = "public"
    PRIVATE = "private"


@dataclass(frozen=True)
class Actor:
    platform: Platform
    platform_user_id: str
    display_name: str
    role: Role = Role.MEMBER
    locale: str | None = None
    is_bot: bool = False
    member_id: int | None = None
    role_ids: tuple[str, ...] = ()
    """The platform's role ids (Discord's server roles) for features that grant by role."""

    def __post_init__(self) -> None:
        object.__setattr__(self, "display_name", clean(self.display_name))


@dataclass(frozen=True)
class Place:
    platform: Platform
    chat_id: str
    kind: PlaceKind
    guild_id: str | None = None
    thread_id: str | None = None

    @property
    def is_dm(self) -> bool:
        return self.kind is PlaceKind.DM


@dataclass(frozen=True)
class IncomingEvent:
    """One thing that happened on a platform.

    Commands arrive either parsed (``args``, from Discord's typed options) or as ``arg_text``
    (Telegram, console), which the router parses against the command's declaration.
    """

    event_id: str
    kind: EventKind
    actor: Actor
    place: Place
    received_at: datetime
    text: str = ""
    message_id: str | None = None
    reply_to_id: str | None = None
    mentions_bot: bool = False
    command: str | None = None
    args: Mapping[str, str] | None = None
    arg_text: str = ""
    action_id: str | None = None
    action_arg: str = ""
    emoji: str = ""
    """For a reaction: the emoji added or removed; ``message_id`` is the message reacted to."""
    raw: Any = field(default=None, repr=False, compare=False)

    def __post_init__(self) -> None:
        """Member text is cleaned here, where every adapter hands it over (``hygiene``)."""
        for name in ("text", "arg_text", "action_arg"):
            object.__setattr__(self, name, clean(getattr(self, name)))
        if self.args is not None:
            object.__setattr__(self, "args", {k: clean(v) for k, v in self.args.items()})


COMMAND_BUTTON = "cmd"
"""The action of a button that runs a command (``cmd:ticket open``). Pressing it is typing that
command without arguments, so a form command opens its form on Discord and asks step by step
elsewhere; the router checks roles as for the typed command."""


@dataclass(frozen=True)
class Button:
    """A button whose label is a message for the catalogues (``label_key``: its English text,
    marked with ``N_``, translated for each recipient) or literal data (``label``)."""

    action: str
    arg: str = ""
    label_key: str = ""
    label: str = ""

    @property
    def data(self) -> str:
        return f"{self.action}:{self.arg}"


@dataclass(frozen=True)
class Attachment:
    filename: str
    content: bytes = field(repr=False)
    mime_type: str = "application/octet-stream"


@dataclass(frozen=True)
class Reply:
    """What a handler wants said; the core renders it for the recipient's platform and locale.

    Without ``to_member`` or ``to_place`` the reply goes back where the event happened. With
    ``to_member`` it goes to that member's DM on their preferred platform, with ``to_place``
    to that channel, group or thread; both through the outbox. ``locale`` overrides the
    recipient's language, e.g. to answer a Chinese question in Chinese.
    """

    template: str
    context: Mapping[str, Any] = field(default_factory=dict)
    buttons: tuple[Button, ...] = ()
    visibility: Visibility = Visibility.PUBLIC
    to_member: int | None = None
    to_place: Place | None = None
    reply_to_id: str | None = None
    edit_message_id: str | None = None
    idempotency_key: str | None = None
    attachments: tuple[Attachment, ...] = ()
    locale: str | None = None


@dataclass(frozen=True)
class RenderedButton:
    label: str
    data: str


@dataclass(frozen=True)
class RoleChange:
    """Roles to give one account and roles to take from it: outgoing work like a message,
    queued in the outbox so it survives a restart and is not done twice. Only Discord has
    member roles; the adapter finds the server each role belongs to."""

    user_id: str
    add: tuple[str, ...] = ()
    remove: tuple[str, ...] = ()


@dataclass(frozen=True)
class ScheduledEvent:
    """A native event in a Discord server's calendar (a Scheduled Event) to create, bring in
    step or cancel: outgoing work like a message, so it survives a restart and is done once.
    The message's text is its description; its server is the one holding the message's
    channel; the receipt names a new one's id."""

    name: str
    starts_at: datetime
    ends_at: datetime
    location: str | None = None
    """A link or an address; None: a link to the channel the event's card is in."""
    discord_id: str | None = None
    """None creates one; else the one to change."""
    cancelled: bool = False


@dataclass(frozen=True)
class OutgoingMessage:
    """A rendered message an adapter can send without asking the core anything.

    ``chat_id`` addresses a place; ``user_id`` addresses a person's DM when the chat is not
    known (Discord opens one, Telegram uses the user id). ``dm_chat_id`` is that person's DM
    chat when the core knows it, so a private message costs Discord no channel lookup.
    """

    platform: Platform
    text: str
    chat_id: str | None = None
    user_id: str | None = None
    thread_id: str | None = None
    buttons: tuple[RenderedButton, ...] = ()
    visibility: Visibility = Visibility.PUBLIC
    reply_to_id: str | None = None
    edit_message_id: str | None = None
    attachments: tuple[Attachment, ...] = ()
    key: str = ""
    """The template it was rendered from (``tickets/opened``): what it means, whatever its
    wording or language. Transcripts show it and tests assert it; platforms never see it."""
    dm_chat_id: str | None = None
    roles: RoleChange | None = None
    """Set for a role change instead of a message: the adapter changes roles, sends no text."""
    scheduled: ScheduledEvent | None = None
    """Set to create or change a Discord Scheduled Event instead of sending a message."""
    if_refused: tuple[str, OutgoingMessage] | None = None
    """What to queue, once under its key, if the platform refuses this for lack of permission
    (a 403): e.g. telling staff the bot cannot manage a role, instead of retrying."""


class DeliveryFailure(StrEnum):
    BLOCKED = "blocked"
    FORBIDDEN = "forbidden"
    RATE_LIMITED = "rate_limited"
    UNAVAILABLE = "unavailable"
    INVALID = "invalid"


@dataclass(frozen=True)
class Receipt:
    """The outcome of one send; ``retry_after`` (seconds) accompanies a rate limit.

    ``chat_id`` names the DM chat the adapter had to open to reach a person (Discord's DM
    channel): the core remembers it, so the next DM to them costs one request, not two.
    """

    platform: Platform
    message_id: str | None = None
    failure: DeliveryFailure | None = None
    detail: str = ""
    retry_after: float | None = None
    chat_id: str | None = None

    @property
    def ok(self) -> bool:
        return self.failure is None
