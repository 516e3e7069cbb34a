"""Reading console lines (typed or from a script) and turning them into core events.

A script line is one of:
``@as NAME`` / ``@as mod:NAME`` / ``@as founder:NAME``: who speaks next;
``@platform discord|telegram|console``: whose conventions to imitate;
``@place dm`` / ``@place #channel`` / ``@place #channel/thread``: where the speaker writes (a DM
with the bot by default);
``@join NAME``: a member joins; ``@clock +2h`` / ``@clock 2026-12-01T09:00Z``: move time
(due sweeps run); a script's first ``@clock``, before anything else happens, may set any
time, past included, so a generated history can be replayed and then measured;
``@press N``: press button N of the latest message with buttons that the speaker can see
(sent to them, or posted where they are writing, e.g. a ticket's thread);
``@reply NAME``: the speaker's next message or command replies to NAME's latest message
(``/rep solution`` marks it the solution);
``@react NAME EMOJI`` / ``@unreact NAME EMOJI``: the speaker adds or takes back a reaction to
NAME's latest message;
``@@text``: the message ``@text`` (a line that starts with a literal ``@``, e.g. ``@@everyone``);
anything else: a message or /command from the speaker.
"""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from adapters.console.adapter import Transcript, place_name
from core.clock import ManualClock
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

Handle = Callable[[IncomingEvent], Awaitable[list[OutgoingMessage]]]
Tick = Callable[[], Awaitable[None]]

ROLES = {"mod": Role.MODERATOR, "founder": Role.FOUNDER}
DURATION = re.compile(r"^\+(\d+)([smhdw])$")
UNITS = {"s": "seconds", "m": "minutes", "h": "hours", "d": "days", "w": "weeks"}


class ScriptError(ValueError):
    """A directive the console cannot follow; the message says which and why."""


@dataclass(frozen=True)
class Speaker:
    name: str
    role: Role


def parse_clock(argument: str, now: datetime) -> datetime:
    match = DURATION.match(argument.strip())
    if match:
        return now + timedelta(**{UNITS[match.group(2)]: int(match.group(1))})
    try:
        when = datetime.fromisoformat(argument.strip().replace("Z", "+00:00"))
    except ValueError:
        raise ScriptError(f"@clock takes +2h or an ISO time, not {argument!r}") from None
    if when.tzinfo is None:
        raise ScriptError(f"@clock needs a timezone (e.g. 2026-12-01T09:00Z), not {argument!r}")
    return when


def parse_command(text: str) -> tuple[str, str]:
    """``/faq@townhall add x`` → ("faq", "add x")."""
    head, _, rest = text[1:].partition(" ")
    return head.split("@", 1)[0].lower(), rest.strip()


class ConsoleSession:
    def __init__(
        self,
        handle: Handle,
        tick: Tick,
        clock: ManualClock,
        transcript: Transcript,
        *,
        speaker: str = "you",
    ) -> None:
        self._handle = handle
        self._tick = tick
        self._clock = clock
        self._transcript = transcript
        self._speaker = Speaker(speaker, Role.MEMBER)
        self._platform = Platform.CONSOLE
        self._channel: str | None = None
        self._counter = 0
        self._buttons: dict[str, tuple[int, list[RenderedButton]]] = {}
        self._sent = 0
        self._latest: dict[str, str] = {}
        self._reply_to: str | None = None
        self._started = False
        """Something happened (an event or a @clock): from then on time only moves forward."""

    async def line(self, raw: str) -> None:
        text = raw.strip()
        if not text or text.startswith("#"):
            return
        if text.startswith("@@"):
            text = text[1:]
        elif text.startswith("@"):
            directive, _, argument = text[1:].partition(" ")
            await self._directive(directive.lower(), argument.strip())
            return
        reply_to, self._reply_to = self._reply_to, None
        if text.startswith("/"):
            command, arg_text = parse_command(text)
            await self._emit(
                EventKind.COMMAND,
                text=text,
                command=command,
                arg_text=arg_text,
                reply_to_id=reply_to,
            )
        else:
            await self._emit(EventKind.MESSAGE, text=text, reply_to_id=reply_to)

    async def _directive(self, directive: str, argument: str) -> None:
        if directive == "as":
            role_name, _, name = argument.rpartition(":")
            if not name or (role_name and role_name not in ROLES):
                raise ScriptError(f"@as takes NAME, mod:NAME or founder:NAME, not {argument!r}")
            self._speaker = Speaker(name, ROLES.get(role_name, Role.MEMBER))
        elif directive == "platform":
            try:
                self._platform = Platform(argument.lower())
            except ValueError:
                raise ScriptError("@platform takes discord, telegram or console") from None
        elif directive == "place":
            self._channel = None if argument.lower() == "dm" else argument.lstrip("#")
        elif directive == "join":
            if not argument:
                raise ScriptError("@join takes a name")
            await self._emit(EventKind.MEMBER_JOINED, speaker=Speaker(argument, Role.MEMBER))
        elif directive == "clock":
            when = parse_clock(argument, self._clock.now())
            if not self._started:
                self._clock.start_at(when)
            elif when < self._clock.now():
                raise ScriptError(f"@clock {argument}: time only moves forward")
            else:
                self._clock.set(when)
            self._started = True
            await self._tick()
        elif directive == "press":
            await self._press(argument)
        elif directive == "reply":
            if argument not in self._latest:
                raise ScriptError(f"@reply {argument}: they have not written anything yet")
            self._reply_to = self._latest[argument]
        elif directive in ("react", "unreact"):
            await self._react(directive, argument)
        else:
            raise ScriptError(f"unknown directive @{directive}")

    async def _press(self, argument: str) -> None:
        seen = [self._buttons.get(self._speaker.name, (0, []))]
        place = self._place(self._speaker)
        if not place.is_dm:
            seen.append(self._buttons.get(place_name(place.chat_id, place.thread_id), (0, [])))
        buttons = max(seen)[1]
        action_id, _, action_arg = _chosen(buttons, argument).data.partition(":")
        await self._emit(EventKind.ACTION, action_id=action_id, action_arg=action_arg)

    async def _react(self, directive: str, argument: str) -> None:
        name, _, emoji = argument.partition(" ")
        if not emoji.strip():
            raise ScriptError(f"@{directive} takes NAME EMOJI, not {argument!r}")
        if name not in self._latest:
            raise ScriptError(f"@{directive} {name}: they have not written anything yet")
        kind = EventKind.REACTION if directive == "react" else EventKind.REACTION_REMOVED
        await self._emit(kind, reacted_to=self._latest[name], emoji=emoji.strip())

    def _place(self, speaker: Speaker) -> Place:
        if self._channel is None:
            return Place(self._platform, f"dm:{speaker.name}", PlaceKind.DM)
        channel, _, thread = self._channel.partition("/")
        if thread:
            return Place(
                self._platform, channel, PlaceKind.THREAD, guild_id="console", thread_id=thread
            )
        return Place(self._platform, channel, PlaceKind.CHANNEL, guild_id="console")

    async def _emit(
        self, kind: EventKind, *, speaker: Speaker | None = None, **fields: str | None
    ) -> None:
        who = speaker or self._speaker
        self._started = True
        self._counter += 1
        if kind in (EventKind.MESSAGE, EventKind.COMMAND):
            self._latest[who.name] = str(self._counter)
        reacted_to = fields.pop("reacted_to", None)
        event = IncomingEvent(
            event_id=str(self._counter),
            kind=kind,
            actor=Actor(self._platform, who.name, who.name, role=who.role),
            place=self._place(who),
            received_at=self._clock.now(),
            message_id=reacted_to or str(self._counter),
            **fields,  # type: ignore[arg-type]
        )
        for message in await self._handle(event):
            self.remember(message)
            place = (
                "dm"
                if event.place.is_dm
                else place_name(event.place.chat_id, event.place.thread_id)
            )
            self._transcript.show(message, place=place)

    def remember(self, message: OutgoingMessage) -> None:
        """Buttons stay pressable on a real platform, so @press finds the latest message that
        has some: one sent to the speaker, or one posted for everyone in the place they write
        in."""
        if not message.buttons:
            return
        self._sent += 1
        where = place_name(message.chat_id, message.thread_id)
        in_view = message.visibility is Visibility.PUBLIC and where != "dm"
        key = where if in_view else message.user_id or where
        self._buttons[key] = (self._sent, list(message.buttons))


def _chosen(buttons: list[RenderedButton], argument: str) -> RenderedButton:
    """``@press 2`` by position, or ``@press ask a human`` by words of the label."""
    if argument.isdigit() and 1 <= int(argument) <= len(buttons):
        return buttons[int(argument) - 1]
    matching = [b for b in buttons if argument and argument.lower() in b.label.lower()]
    if len(matching) == 1:
        return matching[0]
    labels = ", ".join(f"[{n}] {b.label}" for n, b in enumerate(buttons, 1)) or "none"
    raise ScriptError(f"@press {argument}: no single button matches; the latest are {labels}")
