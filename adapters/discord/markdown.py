"""Messages as Discord's Markdown, written from the parsed Markdown.

Text is escaped with discord.py's own helpers (``escape_markdown``, ``escape_mentions``),
so a member's ``**`` or ``@everyone`` is shown, not obeyed; code keeps its characters.
Parts are cut at Discord's 2,000 characters, counted on what is sent.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from discord.utils import escape_markdown, escape_mentions

from core.markup import BOLD, CODE, ITALIC, LINK, PRE, QUOTE, Run, Style, chunks, write

_MARKS = {BOLD: "**", ITALIC: "*", CODE: "`", QUOTE: ""}
# escape_markdown puts its backslash before the spaces of an indented "-", where Discord
# shows it; before the "-" it escapes it.
_SPACED_DASH = re.compile(r"^\\(\s+)-", re.MULTILINE)
_FENCE = "```"


@dataclass(frozen=True)
class DiscordMarkdown:
    bullet: str = "- "

    def open(self, style: Style) -> str:
        if style.kind == LINK:
            return "["
        if style.kind == PRE:
            return f"{_FENCE}{style.value}\n"
        if style.kind == QUOTE:
            return "> "
        return _MARKS[style.kind]

    def close(self, style: Style) -> str:
        if style.kind == LINK:
            return f"](<{style.value}>)"
        if style.kind == PRE:
            return f"\n{_FENCE}"
        return _MARKS[style.kind]

    def text(self, run: Run) -> str:
        kinds = {style.kind for style in run.styles}
        if CODE in kinds:
            text = run.text.replace("`", "ˋ")
        elif PRE in kinds:
            text = run.text.replace(_FENCE, "`\u200b``")
        elif run.literal:
            text = run.text
        else:
            text = escape_mentions(_SPACED_DASH.sub(r"\1\\-", escape_markdown(run.text)))
            if LINK in kinds:
                text = text.replace("[", "\\[").replace("]", "\\]")
        return text.replace("\n", "\n> ") if QUOTE in kinds else text

    def measure(self, runs: Sequence[Run]) -> int:
        return len(write(runs, self))


def markdown_parts(markdown: str, limit: int) -> list[str]:
    """``markdown`` as Discord Markdown in parts of at most ``limit`` characters."""
    return chunks(markdown, DiscordMarkdown(), limit)
