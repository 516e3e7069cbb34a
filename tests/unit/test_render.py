"""Every message exists in both languages, and member text is inert on every platform."""

from __future__ import annotations

import pytest

from bot.features import build_registry
from core.events import Platform
from core.markup import DiscordMarkdownDialect, TelegramHtmlDialect
from core.render import Renderer

renderer = Renderer()


def test_every_template_has_its_chinese_twin() -> None:
    assert renderer.template_names("en") == renderer.template_names("zh-CN")


def test_every_string_has_its_chinese_twin() -> None:
    english = set(renderer.strings("en"))
    english_in_code = (".command.", ".hint.")
    chinese = {
        key for key in renderer.strings("zh-CN") if not any(k in key for k in english_in_code)
    }
    assert english <= set(renderer.strings("zh-CN"))
    assert chinese <= english


def test_every_argument_hint_has_its_chinese_twin() -> None:
    hints = {
        f"{spec.feature}.hint.{arg.name}"
        for spec in build_registry().commands.values()
        for arg in spec.args
        if arg.description
    }
    assert hints <= set(renderer.strings("zh-CN"))


@pytest.mark.parametrize("platform", list(Platform))
@pytest.mark.parametrize("locale", ["en", "zh-CN"])
def test_member_text_cannot_inject_markup_or_pings(platform: Platform, locale: str) -> None:
    text = renderer.render(
        "core/unknown_command",
        {"command": "<b>x</b> @everyone <@&123>"},
        platform=platform,
        locale=locale,
    )
    if platform is Platform.TELEGRAM:
        assert "<b>" not in text and "&lt;b&gt;" in text
    if platform is Platform.DISCORD:
        assert "@everyone" not in text and "<@&123>" not in text


def test_telegram_keeps_founder_markdown_but_escapes_html() -> None:
    html = TelegramHtmlDialect().markdown("Use **/link** & `code` <script>")
    assert html == "Use <b>/link</b> &amp; <code>code</code> &lt;script&gt;"


def test_discord_escapes_markdown_in_member_text() -> None:
    assert DiscordMarkdownDialect().escape("**bold** @here") == "\\*\\*bold\\*\\* @\u200bhere"


def test_unknown_locale_falls_back_to_english() -> None:
    text = renderer.render(
        "core/unknown_command", {"command": "x"}, platform=Platform.CONSOLE, locale="fr"
    )
    assert text.startswith("I don't know")


def test_one_entry_is_not_plural() -> None:
    context = {"count": 1, "problems": [], "problem_count": 0}
    text = renderer.render("faq/reloaded", context, platform=Platform.CONSOLE, locale="en")
    assert text == "Knowledge base reloaded: 1 entry."
