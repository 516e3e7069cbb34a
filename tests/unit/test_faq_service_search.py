"""The FAQ service's search as the bot uses it: off the event loop, with the knowledge
folder's synonyms."""

from __future__ import annotations

import asyncio
import threading
from dataclasses import replace
from pathlib import Path

import numpy as np
import numpy.typing as npt
import pytest

from bot.app import App, build_app
from core.clock import ManualClock
from core.features.faq import indexes
from core.features.faq.entries import KBEntry
from core.features.faq.search import SearchIndex, SearchResult
from core.features.faq.semantic_cache import Embedder
from core.features.faq.service import FaqService
from tests.conftest import make_settings
from tests.fakes.fake_adapter import FakeAdapter
from tests.unit.chat import DC, TG, Chat


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


class GatedEncoder:
    """A stand-in sentence encoder that stops on a long text until the test lets it go."""

    dimension = 8

    def __init__(self) -> None:
        self.reading_long, self.release = threading.Event(), threading.Event()

    def encode(self, texts: list[str]) -> npt.NDArray[np.float32]:
        if any(len(text) > 500 for text in texts):
            self.reading_long.set()
            if not self.release.wait(timeout=10):
                raise AssertionError("the test never let the long question through")
        out = np.zeros((len(texts), self.dimension), dtype=np.float32)
        for row, text in enumerate(texts):
            out[row, hash(text) % self.dimension] = 1.0
        return out


async def test_a_long_question_does_not_hold_up_a_short_one(
    database_url: str, clock: ManualClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    """English and Chinese share multilingual-e5; while it reads one member's long Chinese
    question, another member's short English one is answered (from the words alone)."""
    minilm, e5 = GatedEncoder(), GatedEncoder()
    shared = Embedder(e5, "e5")
    encoders = {"latin": (Embedder(minilm, "minilm"), shared), "cjk": (shared,)}
    monkeypatch.setattr(indexes, "shared_embedders", lambda: encoders)
    telegram = FakeAdapter(TG)
    app = await build_app(make_settings(database_url), clock, {TG: telegram}, migrate=False)
    chat = Chat(app, clock, telegram, FakeAdapter(DC))
    try:
        long_question = ("请问我的电报账号和这里的账号怎么绑定，验证码一直收不到，" * 40)[:1000]
        asking_long = asyncio.create_task(chat.say(TG, "mei", long_question))
        assert await asyncio.to_thread(e5.reading_long.wait, 30)
        (reply,) = await chat.say(TG, "sam", "how do I link my telegram account?")
        assert not asking_long.done()
        assert "/link" in reply.text
        e5.release.set()
        assert await asking_long
    finally:
        e5.release.set()
        await app.close()
