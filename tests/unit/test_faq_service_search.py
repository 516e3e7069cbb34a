"""The FAQ service's search as the bot uses it: off the event loop, with the knowledge
folder's synonyms."""

from __future__ import annotations

import asyncio
import threading
from dataclasses import replace
from pathlib import Path

import pytest

from bot.app import App
from core.features.faq import indexes
from core.features.faq.entries import KBEntry
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


def test_knowledge_indexed_again_unchanged_is_not_built_again(tmp_path: Path) -> None:
    """Every app (and every test) indexes the same folder; an edit must still show."""
    pay = KBEntry("en/pay", "How can I pay?", ("payment methods", "pay by card"), "Cards.")
    hours = KBEntry("en/hours", "Opening hours", ("when are you open",), "9 to 5.")
    first = indexes.build([pay, hours], tmp_path)
    assert indexes.build([pay, hours], tmp_path) is first
    edited = indexes.build([replace(pay, answer="Cards and PayPal."), hours], tmp_path)
    assert edited.entries["en/pay"].answer == "Cards and PayPal."
    (tmp_path / "en.txt").write_text("pay, settle\n", encoding="utf-8")
    with_synonyms = indexes.build([pay, hours], tmp_path)
    before, after = (i.search("how can I settle", locale="en").best for i in (first, with_synonyms))
    assert before is not None and after is not None and after.score > before.score
