"""An in-memory platform for unit tests: records what was sent, fails on request."""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass, field

from core.events import DeliveryFailure, OutgoingMessage, Platform, Receipt
from core.ratelimit import Limit, Pacing


@dataclass
class FakeAdapter:
    platform: Platform = Platform.TELEGRAM
    pacing: Pacing = field(default_factory=lambda: Pacing(Limit(1000, 1.0)))
    per_chat_limit: Limit | None = None
    sent: list[OutgoingMessage] = field(default_factory=list)
    blocked_users: set[str] = field(default_factory=set)
    scripted: deque[Receipt] = field(default_factory=deque)
    refuses_roles: bool = False
    """As Discord without Manage Roles: every role change answers 403."""

    def rate_keys(self, message: OutgoingMessage) -> list[tuple[str, Limit]]:
        if self.per_chat_limit is None:
            return []
        return [(message.chat_id or f"user:{message.user_id}", self.per_chat_limit)]

    def fail_next(self, failure: DeliveryFailure, retry_after: float | None = None) -> None:
        self.scripted.append(Receipt(self.platform, failure=failure, retry_after=retry_after))

    async def send(self, message: OutgoingMessage) -> Receipt:
        if self.scripted:
            return self.scripted.popleft()
        if message.roles is not None and self.refuses_roles:
            return Receipt(self.platform, failure=DeliveryFailure.FORBIDDEN, detail="50013")
        if message.user_id in self.blocked_users and message.chat_id is None:
            return Receipt(
                self.platform, failure=DeliveryFailure.BLOCKED, detail="bot was blocked by the user"
            )
        self.sent.append(message)
        return Receipt(self.platform, message_id=str(len(self.sent)))
