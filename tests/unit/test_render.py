"""Every message exists in both languages, and member text is inert on every platform."""

from __future__ import annotations

import pytest

from adapters.discord.markdown import markdown_parts
from adapters.telegram.html import html_parts
from bot.features import build_registry
from core.events import Platform
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
        {"command": "<b>x</b> **y** @everyone <@&123456789012345678>"},
        platform=platform,
        locale=locale,
    )
    if platform is Platform.TELEGRAM:
        (sent,) = html_parts(text, 4096)
        assert "<b>" not in sent and "&lt;b&gt;x&lt;/b&gt; **y**" in sent
    if platform is Platform.DISCORD:
        (sent,) = markdown_parts(text, 2000)
        assert (
            "@everyone" not in sent
            and "<@&123456789012345678>" not in sent
            and "\\*\\*y\\*\\*" in sent
        )


def test_founder_markdown_is_kept_and_html_escaped() -> None:
    (sent,) = html_parts("Use **/link** & `code` <script>", 4096)
    assert sent == "Use <b>/link</b> &amp; <code>code</code> &lt;script&gt;"


def test_unknown_locale_falls_back_to_english() -> None:
    text = renderer.render(
        "core/unknown_command", {"command": "x"}, platform=Platform.CONSOLE, locale="fr"
    )
    assert text.startswith("I don't know")


def test_one_entry_is_not_plural() -> None:
    context = {"count": 1, "problems": [], "problem_count": 0}
    text = renderer.render("faq/reloaded", context, platform=Platform.CONSOLE, locale="en")
    assert text == "Knowledge base reloaded: 1 entry."
