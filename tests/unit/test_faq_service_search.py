"""The FAQ service's search as the bot uses it: off the event loop, with the knowledge
folder's synonyms."""

from __future__ import annotations

import asyncio
import threading

import pytest

from bot.app import App
from core.features.faq.search import SearchIndex, SearchResult
from core.features.faq.service import FaqService


async def test_a_slow_search_does_not_stall_other_chats(
    app: App, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Embedding a question takes tens of milliseconds; other members must not wait on it."""
    started, release = threading.Event(), threading.Event()

    def slow_search(
        self: SearchIndex, question: str, limit: int = 3, locale: str | None = None
    ) -> SearchResult:
        started.set()
        if not release.wait(timeout=10):
            raise AssertionError("the search held the event loop")
        return SearchResult(question, ())

    monkeypatch.setattr(SearchIndex, "search", slow_search)
    asking = asyncio.create_task(app.services.get(FaqService).search("how do I reset my password"))
    assert await asyncio.to_thread(started.wait, 10)
    release.set()
    result, locale = await asking
    assert (result.candidates, locale) == ((), "en")
