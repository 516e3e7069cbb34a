"""One app that two fake platforms talk to, and a way to speak as anyone on either."""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass

from adapters.console.session import parse_command
from bot.app import App
from core.clock import ManualClock
from core.events import (
    Actor,
    EventKind,
    IncomingEvent,
    OutgoingMessage,
    Place,
    PlaceKind,
    Platform,
)
from tests.fakes.fake_adapter import FakeAdapter

CODE = re.compile(r"\b[A-Z2-9]{4}-[A-Z2-9]{4}\b")
TG, DC = Platform.TELEGRAM, Platform.DISCORD


def code_in(text: str) -> str:
    found = CODE.search(text)
    assert found, text
    return found.group(0)


@dataclass
class Chat:
    app: App
    clock: ManualClock
    telegram: FakeAdapter
    discord: FakeAdapter

    def __post_init__(self) -> None:
        self._ids = itertools.count(1)
        self.latest: dict[str, str] = {}

    async def say(
        self,
        platform: Platform,
        user: str,
        text: str,
        *,
        place: Place | None = None,
        locale: str | None = None,
        reply_to: str | None = None,
    ) -> list[OutgoingMessage]:
        """``user`` writes ``text`` (a message or /command), in a DM with the bot by default;
        ``reply_to``: as a reply to that user's latest message (not command)."""
        fields: dict[str, str] = {"text": text}
        if reply_to is not None:
            fields["reply_to_id"] = self.latest[reply_to]
        kind = EventKind.MESSAGE
        if text.startswith("/"):
            kind = EventKind.COMMAND
            fields["command"], fields["arg_text"] = parse_command(text)
        return await self._handle(kind, platform, user, place, locale, fields)

    async def press(self, platform: Platform, user: str, data: str) -> list[OutgoingMessage]:
        action_id, _, arg = data.partition(":")
        fields = {"action_id": action_id, "action_arg": arg}
        return await self._handle(EventKind.ACTION, platform, user, None, None, fields)

    async def joins(
        self, platform: Platform, user: str, place: Place, *, locale: str | None = None
    ) -> list[OutgoingMessage]:
        return await self._handle(EventKind.MEMBER_JOINED, platform, user, place, locale, {})

    async def leaves(self, platform: Platform, user: str, place: Place) -> list[OutgoingMessage]:
        return await self._handle(EventKind.MEMBER_LEFT, platform, user, place, None, {})

    async def react(
        self,
        platform: Platform,
        user: str,
        author: str,
        emoji: str,
        place: Place,
        *,
        removed: bool = False,
    ) -> list[OutgoingMessage]:
        """``user`` adds (or takes back) ``emoji`` on ``author``'s latest message."""
        kind = EventKind.REACTION_REMOVED if removed else EventKind.REACTION
        fields = {"emoji": emoji, "message_id": self.latest[author]}
        return await self._handle(kind, platform, user, place, None, fields)

    async def code(self, platform: Platform, user: str) -> str:
        """Ask for a link code and read it from the private reply."""
        (reply,) = await self.say(platform, user, "/link")
        return code_in(reply.text)

    async def _handle(
        self,
        kind: EventKind,
        platform: Platform,
        user: str,
        place: Place | None,
        locale: str | None,
        fields: dict[str, str],
    ) -> list[OutgoingMessage]:
        number = str(next(self._ids))
        if kind is EventKind.MESSAGE:
            self.latest[user] = number
        fields = {"message_id": number, **fields}
        event = IncomingEvent(
            event_id=number,
            kind=kind,
            actor=Actor(platform, user, user.title(), locale=locale),
            place=place or Place(platform, f"dm-{user}", PlaceKind.DM),
            received_at=self.clock.now(),
            **fields,  # type: ignore[arg-type]
        )
        return await self.app.handle(event)
