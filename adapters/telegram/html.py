"""Messages as Telegram's HTML parse mode, written from the parsed Markdown.

Tags come from the parse tree (``core.markup``), never from substituting into text, so a
code span holding ``**`` stays code and every part sent parses; parts are cut at 4,096
characters as Telegram counts them (after entity parsing, in UTF-16 code units).
"""

from __future__ import annotations

import html
from collections.abc import Sequence
from dataclasses import dataclass

from core.markup import BOLD, CODE, ITALIC, LINK, PRE, QUOTE, Run, Style, chunks, utf16_length

_TAGS = {BOLD: "b", ITALIC: "i", CODE: "code", QUOTE: "blockquote"}


@dataclass(frozen=True)
class TelegramHtml:
    bullet: str = "• "

    def open(self, style: Style) -> str:
        if style.kind == LINK:
            return f'<a href="{html.escape(style.value)}">'
        if style.kind == PRE:
            language = html.escape(style.value)
            return f'<pre><code class="language-{language}">' if language else "<pre>"
        return f"<{_TAGS[style.kind]}>"

    def close(self, style: Style) -> str:
        if style.kind == LINK:
            return "</a>"
        if style.kind == PRE:
            return "</code></pre>" if style.value else "</pre>"
        return f"</{_TAGS[style.kind]}>"

    def text(self, run: Run) -> str:
        return html.escape(run.text, quote=False)

    def measure(self, runs: Sequence[Run]) -> int:
        return sum(utf16_length(run.text) for run in runs)


def html_parts(markdown: str, limit: int) -> list[str]:
    """``markdown`` as Telegram HTML in parts of at most ``limit`` visible characters."""
    return chunks(markdown, TelegramHtml(), limit)
