"""Updates handled concurrently, one chat's in the order Telegram sent them.

One slow answer (a search, a round trip, a chat waiting out its one-message-a-second
window) then holds up only its own chat: a busy group does not keep a DM waiting, and a
group's answers still come in the order its messages came.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable
from typing import Any

from telegram import Update
from telegram.ext import BaseUpdateProcessor

# Updates in progress or waiting for their chat's turn, all chats together. Generous: a
# waiting update costs a task, and a flooding chat must not take every slot from the others.
MAX_CONCURRENT = 4096


class PerChatOrder(BaseUpdateProcessor):
    def __init__(self, max_concurrent_updates: int = MAX_CONCURRENT) -> None:
        super().__init__(max_concurrent_updates)
        self._turns: dict[int, asyncio.Lock] = {}
        self._queued: dict[int, int] = {}

    async def do_process_update(self, update: object, coroutine: Awaitable[Any]) -> None:
        chat = chat_key(update)
        if chat is None:
            await coroutine
            return
        turn = self._turns.setdefault(chat, asyncio.Lock())
        self._queued[chat] = self._queued.get(chat, 0) + 1
        try:
            async with turn:
                await coroutine
        finally:
            self._queued[chat] -= 1
            if not self._queued[chat]:
                del self._queued[chat], self._turns[chat]

    async def initialize(self) -> None:
        """Nothing to set up: turns are made per chat as updates arrive."""

    async def shutdown(self) -> None:
        """Nothing to free: a chat's turn goes when its last update is done."""


def chat_key(update: object) -> int | None:
    """The chat an update belongs to (a button press: the chat of its message), else the
    user's private chat; None for updates of neither."""
    if not isinstance(update, Update):
        return None
    if update.effective_chat is not None:
        return update.effective_chat.id
    if update.effective_user is not None:
        return update.effective_user.id
    return None
