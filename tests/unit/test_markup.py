"""Markdown parsed once, written per platform: Telegram HTML that Telegram accepts in every
part, Discord Markdown escaped with discord.py's helpers, plain text for the console."""

from __future__ import annotations

from types import SimpleNamespace

from hypothesis import given, settings
from hypothesis import strategies as st

from adapters.discord.markdown import markdown_parts
from adapters.telegram.html import html_parts
from core.events import Platform
from core.markup import MarkdownDialect, escape, plain
from core.render import Renderer
from tests.fakes.telegram_text import refusal, visible

renderer = Renderer()
SAMPLE = (
    "**Bold** and *italic*, `inline` code and [the docs](https://example.com/a_b).\n\n"
    "- first\n- second\n\n"
    "1. one\n2. two\n\n"
    "```python\nprint('**not bold**')\n```"
)


def accepted(part: str) -> bool:
    return refusal("sendMessage", {"text": part, "parse_mode": "HTML"}) is None


def test_an_answer_with_backticked_asterisks_reaches_telegram_as_code() -> None:
    entry = SimpleNamespace(title="Bold text", answer="Type `**` around a word: `**word**`.")
    markdown = renderer.render(
        "faq/answer", {"entry": entry}, platform=Platform.TELEGRAM, locale="en"
    )
    (part,) = html_parts(markdown, 4096)
    assert part == ("<b>Bold text</b>\nType <code>**</code> around a word: <code>**word**</code>.")
    assert accepted(part)


def test_telegram_gets_every_style_as_html_tags() -> None:
    (part,) = html_parts(SAMPLE, 4096)
    assert part == (
        "<b>Bold</b> and <i>italic</i>, <code>inline</code> code and "
        '<a href="https://example.com/a_b">the docs</a>.\n\n'
        "• first\n• second\n\n1. one\n2. two\n\n"
        "<pre><code class=\"language-python\">print('**not bold**')</code></pre>"
    )
    assert accepted(part)


def test_discord_gets_its_own_markdown() -> None:
    (part,) = markdown_parts(SAMPLE, 2000)
    assert part == (
        "**Bold** and *italic*, `inline` code and [the docs](<https://example.com/a_b>).\n\n"
        "- first\n- second\n\n1. one\n2. two\n\n"
        "```python\nprint('**not bold**')\n```"
    )


def test_the_console_reads_plain_text() -> None:
    assert plain(SAMPLE) == (
        "Bold and italic, inline code and the docs (https://example.com/a_b).\n\n"
        "- first\n- second\n\n1. one\n2. two\n\n"
        "print('**not bold**')"
    )


def test_member_text_is_shown_not_obeyed_on_either_platform() -> None:
    said = "**free** <b>nitro</b> @everyone [click](https://evil.example) `x` &amp;"
    markdown = renderer.render(
        "core/unknown_command", {"command": said}, platform=Platform.DISCORD, locale="en"
    )
    (discord,) = markdown_parts(markdown, 2000)
    assert "\\*\\*free\\*\\*" in discord and "@\u200beveryone" in discord
    assert "\\[click](https://evil.example)" in discord
    (telegram,) = html_parts(markdown, 4096)
    assert "**free** &lt;b&gt;nitro&lt;/b&gt; @everyone [click](https://evil.example)" in telegram
    assert "`x` &amp;amp;" in telegram and accepted(telegram)


@given(st.text(alphabet=list("ab 1.*_`[]()<>&#-+=!\\~|@:"), max_size=40))
def test_escaped_member_text_reads_back_exactly(text: str) -> None:
    assert plain(escape(text)) == text.strip()


def test_a_long_answer_is_cut_between_paragraphs_each_part_complete() -> None:
    paragraph = "**Step {n}.** " + "Open the *settings* page and press `Save`. " * 30
    markdown = "\n\n".join(paragraph.format(n=n) for n in range(1, 9))
    parts = html_parts(markdown, 4096)
    assert len(parts) == 3
    assert all(accepted(part) for part in parts)
    assert [p.count("<b>Step") for p in parts] == [3, 3, 2]
    assert all(part.startswith("<b>Step") for part in parts)


def test_one_huge_bold_block_is_cut_inside_with_its_tags_closed_and_reopened() -> None:
    markdown = MarkdownDialect().bold("word " * 2000)
    parts = html_parts(markdown, 4096)
    assert len(parts) == 3
    assert all(p.startswith("<b>") and p.endswith("</b>") and accepted(p) for p in parts)
    shown = " ".join(visible(p, "HTML", None) for p in parts)
    assert shown.split() == ["word"] * 2000


block = st.one_of(
    st.text(alphabet="abc xyz", min_size=1, max_size=300).map(lambda t: f"**{t}** and `{t}`"),
    st.text(alphabet="abc xyz<&>", min_size=1, max_size=900)
    .filter(str.strip)
    .map(lambda t: f"[{t}](https://e.x)"),
    st.lists(st.text(alphabet="abc *_", min_size=1, max_size=80), min_size=1).map(
        lambda items: "\n".join(f"- {i}" for i in items)
    ),
    st.text(alphabet="abc\n<b>", min_size=1, max_size=5000)
    .filter(str.strip)
    .map(lambda t: f"```\n{t}\n```"),
    st.text(alphabet="你好🙂 ", min_size=1, max_size=3000).map(lambda t: f"> *{t}*"),
)


@settings(max_examples=40, deadline=None)
@given(st.lists(block, min_size=1, max_size=12))
def test_every_part_of_any_message_is_accepted_by_telegram(blocks: list[str]) -> None:
    parts = html_parts("\n\n".join(blocks), 4096)
    assert all(accepted(part) for part in parts)


@settings(max_examples=40, deadline=None)
@given(st.lists(block, min_size=1, max_size=12))
def test_every_part_for_discord_fits_its_limit(blocks: list[str]) -> None:
    assert all(len(part) <= 2000 for part in markdown_parts("\n\n".join(blocks), 2000))
