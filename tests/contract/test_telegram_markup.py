"""What members are sent on Telegram is HTML Telegram accepts, as the real library sends it.

The loopback Bot API refuses what Telegram refuses (tests/fakes/telegram_text.py), so an
answer written badly would show here as a refused call and a member left with nothing.
"""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from types import SimpleNamespace

import pytest
import pytest_asyncio
from telegram.error import BadRequest

from adapters.telegram.adapter import TelegramAdapter
from bot.features import build_registry
from core.events import DeliveryFailure, IncomingEvent, OutgoingMessage, Platform
from core.render import Renderer
from core.settings import Settings
from tests.fakes.telegram_api import TOKEN, TelegramFake
from tests.fakes.telegram_text import units, visible

pytestmark = pytest.mark.asyncio(loop_scope="module")

MEMBER = 8001
renderer = Renderer()


async def _nothing(event: IncomingEvent) -> list[OutgoingMessage]:
    return []


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def sent() -> AsyncIterator[tuple[TelegramFake, TelegramAdapter]]:
    async with TelegramFake() as fake:
        settings = Settings.model_validate(
            {"telegram": {"enabled": True, "token": TOKEN, "base_url": fake.base_url}}
        )
        adapter = TelegramAdapter(settings, build_registry(), renderer)
        with pytest.MonkeyPatch.context() as patch:
            patch.setenv("NO_PROXY", "127.0.0.1")
            await adapter.start(_nothing)
            try:
                yield fake, adapter
            finally:
                await adapter.stop()


def _answer(title: str, answer: str) -> OutgoingMessage:
    entry = SimpleNamespace(title=title, answer=answer)
    text = renderer.render("faq/answer", {"entry": entry}, platform=Platform.TELEGRAM, locale="en")
    return OutgoingMessage(Platform.TELEGRAM, text, chat_id=str(MEMBER))


async def test_an_answer_showing_double_asterisks_in_code_reaches_the_member(
    sent: tuple[TelegramFake, TelegramAdapter],
) -> None:
    fake, adapter = sent
    receipt = await adapter.send(_answer("Bold text", "Put `**` on both sides: `**word**`."))
    assert receipt.ok, receipt.detail
    assert fake.sent[-1]["text"] == (
        "<b>Bold text</b>\nPut <code>**</code> on both sides: <code>**word**</code>."
    )


async def test_telegram_refuses_tags_substituted_into_code_in_its_own_words(
    sent: tuple[TelegramFake, TelegramAdapter],
) -> None:
    _, adapter = sent
    bot = adapter.application.bot
    # python-telegram-bot drops "Bad Request: " and changes the case of what follows.
    words = 'unmatched end tag at byte offset 13, expected "</b>", found "</code>"'
    with pytest.raises(BadRequest, match=f"(?i)can't parse entities: {words}"):
        await bot.send_message(MEMBER, "Put <code><b></code> on both sides", parse_mode="HTML")
    for text, words in [
        ("<p>hi</p>", 'Unsupported start tag "p" at byte offset 0'),
        ("<b>hi", 'Can\'t find end tag corresponding to start tag "b"'),
    ]:
        with pytest.raises(BadRequest, match=f"(?i){re.escape(words)}"):
            await bot.send_message(MEMBER, text, parse_mode="HTML")
    with pytest.raises(BadRequest, match=r"(?i)entity beyond the end of text"):
        await bot.send_message(MEMBER, "hi", entities=[{"type": "bold", "offset": 1, "length": 5}])
    with pytest.raises(BadRequest, match=r"(?i)message is too long"):
        await bot.send_message(MEMBER, "<b>" + "&lt;" * 4097 + "</b>", parse_mode="HTML")


async def test_a_long_answer_arrives_in_parts_each_accepted_and_complete(
    sent: tuple[TelegramFake, TelegramAdapter],
) -> None:
    fake, adapter = sent
    steps = "\n\n".join(
        f"**Step {n}.** Open *Settings* → `Account` and read [the guide](https://example.com/{n}). "
        * 12
        for n in range(1, 9)
    )
    before = len(fake.calls)
    receipt = await adapter.send(_answer("Moving your account", steps))
    assert receipt.ok, receipt.detail
    calls = [c for c in fake.calls[before:] if c.method == "sendMessage"]
    assert len(calls) >= 2 and all(c.status == 200 for c in calls)
    shown = [visible(c.params["text"], "HTML", None) for c in calls]
    assert all(units(text) <= 4096 for text in shown)
    assert sum(text.count("Step") for text in shown) == 8 * 12
    assert all(c.params["text"].startswith("<b>") for c in calls)


async def test_a_refused_message_is_an_invalid_receipt_not_a_crash(
    sent: tuple[TelegramFake, TelegramAdapter],
) -> None:
    _, adapter = sent
    receipt = await adapter.send(OutgoingMessage(Platform.TELEGRAM, "   ", chat_id=str(MEMBER)))
    assert receipt.failure is DeliveryFailure.INVALID
    assert receipt.detail == "Message text is empty"
