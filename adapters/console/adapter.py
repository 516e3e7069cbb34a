"""The terminal as a platform: the demo, and scripted scenarios with a movable clock.

It can imitate Discord's or Telegram's conventions (``@platform telegram``): events then
carry that platform and replies are rendered as for it (Markdown), shown here as the plain
text it reads as.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TextIO

from core.events import (
    OutgoingMessage,
    Place,
    PlaceKind,
    Platform,
    Receipt,
    RoleChange,
    Visibility,
)
from core.markup import plain
from core.places import PlaceRequest, PrivatePlace
from core.ratelimit import Limit, Pacing


@dataclass
class Transcript:
    """Everything the bot said, as the console shows it; scenario tests read ``messages``."""

    out: TextIO
    as_json: bool = False
    messages: list[dict[str, object]] = field(default_factory=list)

    def show(self, message: OutgoingMessage, *, place: str) -> dict[str, object]:
        if message.roles is not None:
            return self._show_roles(message.roles)
        to = message.user_id or place
        text = message.text if message.platform is Platform.CONSOLE else plain(message.text)
        record: dict[str, object] = {
            "to": to,
            "key": message.key,
            "place": place,
            "visibility": message.visibility.value,
            "text": text,
            "buttons": [button.label for button in message.buttons],
            "attachments": [attachment.filename for attachment in message.attachments],
        }
        self.messages.append(record | {"button_data": [b.data for b in message.buttons]})
        if self.as_json:
            self.out.write(json.dumps(record, ensure_ascii=False) + "\n")
        else:
            where = "privately " if message.visibility is Visibility.PRIVATE else ""
            lines = [f"bot → {to} {where}({place}):"]
            lines += [f"  {line}" for line in text.splitlines()]
            lines += [f"  📎 {attachment.filename}" for attachment in message.attachments]
            if message.buttons:
                choices = "  ".join(f"[{n}] {b.label}" for n, b in enumerate(message.buttons, 1))
                lines.append(f"  {choices}")
            self.out.write("\n".join(lines) + "\n")
        self.out.flush()
        return record

    def _show_roles(self, change: RoleChange) -> dict[str, object]:
        """A role change, as Discord would make it: ``roles of 42: +Contributor -Member``."""
        changes = " ".join([f"+{r}" for r in change.add] + [f"-{r}" for r in change.remove])
        record: dict[str, object] = {
            "to": change.user_id,
            "key": "core/roles",
            "place": "roles",
            "text": changes,
            "roles": {"add": list(change.add), "remove": list(change.remove)},
        }
        self.messages.append(record)
        if self.as_json:
            self.out.write(json.dumps(record, ensure_ascii=False) + "\n")
        else:
            self.out.write(f"bot → roles of {change.user_id}: {changes}\n")
        self.out.flush()
        return record


class ConsoleAdapter:
    """Sends by printing; registered for every platform it may imitate."""

    def __init__(self, transcript: Transcript, platform: Platform = Platform.CONSOLE) -> None:
        self.pacing = Pacing(None)
        self.transcript = transcript
        self.platform = platform
        self._sent = 0
        self.on_send: Callable[[OutgoingMessage], None] = lambda message: None

    def rate_keys(self, message: OutgoingMessage) -> list[tuple[str, Limit]]:
        return []

    async def send(self, message: OutgoingMessage) -> Receipt:
        self._sent += 1
        self.transcript.show(message, place=place_name(message.chat_id, message.thread_id))
        self.on_send(message)
        return Receipt(message.platform, message_id=f"console-{self._sent}")

    async def open_private_place(self, request: PlaceRequest) -> PrivatePlace:
        """A thread named by the key: ``@place #support/T-1`` writes in it."""
        parent = request.parent
        thread = Place(parent.platform, parent.chat_id, PlaceKind.THREAD, thread_id=request.key)
        return PrivatePlace(thread)


def place_name(chat_id: str | None, thread_id: str | None) -> str:
    """How the console names where a message went: ``dm``, ``#support`` or ``#support/T-1``."""
    if chat_id is None or chat_id.startswith("dm:"):
        return "dm"
    return f"#{chat_id}/{thread_id}" if thread_id else f"#{chat_id}"
