"""Member text is inert on every platform, in every language, translated or not."""

from __future__ import annotations

from pathlib import Path

import pytest

from adapters.discord.markdown import markdown_parts
from adapters.telegram.html import html_parts
from core.events import Platform
from core.i18n import po_path
from core.render import Renderer

renderer = Renderer()


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


def test_plurals_come_from_the_catalogue() -> None:
    def reloaded(count: int, locale: str) -> str:
        context = {"count": count, "problems": [], "problem_count": 0}
        return renderer.render("faq/reloaded", context, platform=Platform.CONSOLE, locale=locale)

    assert reloaded(2, "en") == "Knowledge base reloaded: 2 entries."
    assert reloaded(1, "zh-CN") == reloaded(2, "zh-CN").replace("2", "1")


HOSTILE = "<b>x</b> **y** @everyone <@&123456789012345678>"
TEMPLATE = (
    "{% trans name=name %}Hello {{ name }}{% endtrans %} | {% trans who=name|bold, n=n %}"
    "{{ who }} has {{ n }} ticket{% pluralize n %}{{ who }} has {{ n }} tickets{% endtrans %}"
    ' | {{ _("Bye %(name)s", name=name) }}'
)
CATALOGUE = """
msgid ""
msgstr ""
"Content-Type: text/plain; charset=utf-8\\n"
"Plural-Forms: nplurals=1; plural=0;\\n"

msgid "Hello %(name)s"
msgstr "你好 %(name)s"

msgid "%(who)s has %(n)s ticket"
msgid_plural "%(who)s has %(n)s tickets"
msgstr[0] "%(who)s 有 %(n)s 张工单"

msgid "Bye %(name)s"
msgstr "再见 %(name)s"
"""


@pytest.fixture
def hostile_package(tmp_path: Path) -> Renderer:
    """A throwaway package: one template and its Chinese catalogue."""
    (tmp_path / "templates").mkdir()
    (tmp_path / "templates" / "hello.j2").write_text(TEMPLATE)
    po = po_path(tmp_path / "translations", "zh-CN")
    po.parent.mkdir(parents=True)
    po.write_text(CATALOGUE)
    return Renderer({"probe": tmp_path})


@pytest.mark.parametrize("locale", ["en", "zh-CN"])
def test_translated_messages_escape_what_they_format_in(
    hostile_package: Renderer, locale: str
) -> None:
    def said(platform: Platform) -> str:
        context = {"name": HOSTILE, "n": 2}
        return hostile_package.render("probe/hello", context, platform=platform, locale=locale)

    assert said(Platform.CONSOLE).count(HOSTILE) == 3
    assert ("你好" in said(Platform.CONSOLE)) is (locale == "zh-CN")
    (telegram,) = html_parts(said(Platform.TELEGRAM), 4096)
    assert "<b>x</b>" not in telegram and telegram.count("&lt;b&gt;x&lt;/b&gt; **y**") == 3
    assert "<b>&lt;b&gt;x&lt;/b&gt;" in telegram, "the bold helper still makes it bold"
    (discord,) = markdown_parts(said(Platform.DISCORD), 2000)
    assert "@everyone" not in discord and "<@&123456789012345678>" not in discord
    assert discord.count("\\*\\*y\\*\\*") == 3 and "**<b>x</b>" in discord
