"""The terminal as a platform: the demo, and scripted scenarios with a movable clock.

It can imitate Discord's or Telegram's conventions (``@platform telegram``): events then
carry that platform and replies are rendered in its markup, so scenarios exercise the same
rendering members see.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TextIO

from core.events import OutgoingMessage, Platform, Receipt, Visibility
from core.ratelimit import Limit

UNLIMITED = Limit(1_000_000, 1.0)


@dataclass
class Transcript:
    """Everything the bot said, as the console shows it; scenario tests read ``messages``."""

    out: TextIO
    as_json: bool = False
    messages: list[dict[str, object]] = field(default_factory=list)

    def show(self, message: OutgoingMessage, *, place: str) -> dict[str, object]:
        to = message.user_id or place
        record: dict[str, object] = {
            "to": to,
            "place": place,
            "visibility": message.visibility.value,
            "text": message.text,
            "buttons": [button.label for button in message.buttons],
        }
        self.messages.append(record | {"button_data": [b.data for b in message.buttons]})
        if self.as_json:
            self.out.write(json.dumps(record, ensure_ascii=False) + "\n")
        else:
            where = "privately " if message.visibility is Visibility.PRIVATE else ""
            lines = [f"bot → {to} {where}({place}):"]
            lines += [f"  {line}" for line in message.text.splitlines()]
            if message.buttons:
                choices = "  ".join(f"[{n}] {b.label}" for n, b in enumerate(message.buttons, 1))
                lines.append(f"  {choices}")
            self.out.write("\n".join(lines) + "\n")
        self.out.flush()
        return record


class ConsoleAdapter:
    """Sends by printing; registered for every platform it may imitate."""

    overall_limit = UNLIMITED

    def __init__(self, transcript: Transcript, platform: Platform = Platform.CONSOLE) -> None:
        self.transcript = transcript
        self.platform = platform
        self._sent = 0
        self.on_send: Callable[[OutgoingMessage], None] = lambda message: None

    def rate_keys(self, message: OutgoingMessage) -> list[tuple[str, Limit]]:
        return []

    async def send(self, message: OutgoingMessage) -> Receipt:
        self._sent += 1
        self.transcript.show(message, place="dm")
        self.on_send(message)
        return Receipt(message.platform, message_id=f"console-{self._sent}")
