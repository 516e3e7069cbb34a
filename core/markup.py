"""Markup: how rendered messages are written, and how a platform's form is made of them.

Templates write Markdown (CommonMark): member text is escaped for it, helpers such as
``bold`` emit its syntax, and knowledge-base answers are Markdown already. An adapter parses
the message once (markdown-it-py) into blocks of styled runs and writes them in its own
form (Telegram HTML, Discord Markdown, plain text), so member text can never become markup
and a long message is cut between blocks, each part complete in itself. The console speaks
plain text from the start (``PlainDialect``).
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Protocol

from markdown_it import MarkdownIt
from markdown_it.tree import SyntaxTreeNode

from core.events import Platform

# Indented code blocks are off: a template's or a member's leading spaces stay text.
_PARSER = MarkdownIt("commonmark", {"html": False}).disable("code")
_INLINE_SPECIAL = re.compile(r"([\\`*_\[\]<>&])")
_LINE_START_SPECIAL = re.compile(r"^([ \t]*)([#>+=-]|\d+[.)])", re.MULTILINE)
_BACKTICKS = re.compile(r"`+")
HORIZONTAL_RULE = "———"


class Dialect(Protocol):
    def escape(self, text: str) -> str: ...
    def bold(self, text: str) -> str: ...
    def italic(self, text: str) -> str: ...
    def code(self, text: str) -> str: ...
    def link(self, text: str, url: str) -> str: ...
    def markdown(self, text: str) -> str: ...


@dataclass(frozen=True)
class Style:
    """One formatting a run of text carries: ``kind`` is one of the constants below;
    ``value`` is a link's address or a code block's language."""

    kind: str
    value: str = ""


BOLD, ITALIC, CODE, PRE, LINK, QUOTE = "bold", "italic", "code", "pre", "link", "quote"


@dataclass(frozen=True)
class Run:
    """Text with its styles, outermost first; ``literal`` text (list markers) is the
    writer's own and is not escaped."""

    text: str
    styles: tuple[Style, ...] = ()
    literal: bool = False


@dataclass(frozen=True)
class Block:
    """A paragraph, a list item, a quote or a code block: where a long message may be cut.
    ``gap`` is what separates it from the block before."""

    runs: tuple[Run, ...]
    gap: str = "\n\n"


class Writer(Protocol):
    """A platform's form of styled runs."""

    @property
    def bullet(self) -> str: ...

    def open(self, style: Style) -> str: ...
    def close(self, style: Style) -> str: ...
    def text(self, run: Run) -> str: ...
    def measure(self, runs: Sequence[Run]) -> int: ...


def escape(text: str) -> str:
    """Member text as CommonMark that reads back as exactly that text."""
    text = _INLINE_SPECIAL.sub(r"\\\1", text)
    return _LINE_START_SPECIAL.sub(lambda m: f"{m.group(1)}{_escape_marker(m.group(2))}", text)


def _escape_marker(marker: str) -> str:
    """``#``, ``>``, ``-`` at a line's start begin a heading, a quote or a list, and ``1.``
    a numbered list: the number stays, its dot is escaped."""
    return f"{marker[:-1]}\\{marker[-1]}"


def _emphasised(mark: str, text: str) -> str:
    """``text`` between ``mark``s; the delimiters must touch the text to count, so spaces
    around it stay outside, and it starts mid-line, so only later lines' starts are escaped."""
    core = text.strip()
    if not core:
        return text
    first, newline, rest = core.partition("\n")
    inner = _INLINE_SPECIAL.sub(r"\\\1", first) + newline + escape(rest)
    start = text[: len(text) - len(text.lstrip())]
    end = text[len(text.rstrip()) :]
    return f"{start}{mark}{inner}{mark}{end}"


def blocks(markdown: str, bullet: str = "- ") -> list[Block]:
    """The message's blocks, in order, ready for any writer."""
    root = SyntaxTreeNode(_PARSER.parse(markdown))
    return list(_blocks(root.children, (), bullet, depth=0))


def _blocks(
    nodes: Sequence[SyntaxTreeNode], styles: tuple[Style, ...], bullet: str, depth: int
) -> Iterator[Block]:
    for node in nodes:
        if node.type in ("bullet_list", "ordered_list"):
            yield from _list(node, styles, bullet, depth)
        elif node.type == "blockquote":
            inside = (*styles, Style(QUOTE))
            yield Block(_joined(list(_blocks(node.children, inside, bullet, depth)), inside))
        else:
            yield Block(_leaf(node, styles))


def _list(
    node: SyntaxTreeNode, styles: tuple[Style, ...], bullet: str, depth: int
) -> Iterator[Block]:
    start = int(str(node.attrs.get("start", 1)))
    for index, item in enumerate(node.children):
        marker = bullet if node.type == "bullet_list" else f"{start + index}. "
        inner = list(_blocks(item.children, styles, bullet, depth + 1))
        head = Run("   " * depth + marker, styles, literal=True)
        runs = _joined([Block(b.runs, "\n") for b in inner], styles)
        yield Block((head, *runs), "\n" if index or depth else "\n\n")


def _joined(parts: Sequence[Block], styles: tuple[Style, ...]) -> tuple[Run, ...]:
    runs: list[Run] = []
    for index, block in enumerate(parts):
        if index:
            runs.append(Run(block.gap, styles, literal=True))
        runs.extend(block.runs)
    return tuple(runs)


def _leaf(node: SyntaxTreeNode, styles: tuple[Style, ...]) -> tuple[Run, ...]:
    if node.type in ("fence", "code_block"):
        language = (node.info or "").split(maxsplit=1)[0] if node.info else ""
        return (Run(node.content.rstrip("\n"), (*styles, Style(PRE, language))),)
    if node.type == "hr":
        return (Run(HORIZONTAL_RULE, styles, literal=True),)
    if node.type == "heading":
        styles = (*styles, Style(BOLD))
    return tuple(_inline(node.children, styles))


def _inline(nodes: Sequence[SyntaxTreeNode], styles: tuple[Style, ...]) -> Iterator[Run]:
    for node in nodes:
        if node.type == "inline":
            yield from _inline(node.children, styles)
        elif node.type == "text" and node.content:
            yield Run(node.content, styles)
        elif node.type in ("softbreak", "hardbreak"):
            yield Run("\n", styles)
        elif node.type == "code_inline":
            yield Run(node.content, (*styles, Style(CODE)))
        elif node.type == "strong":
            yield from _inline(node.children, (*styles, Style(BOLD)))
        elif node.type == "em":
            yield from _inline(node.children, (*styles, Style(ITALIC)))
        elif node.type in ("link", "image"):
            url = str(node.attrs.get("href") or node.attrs.get("src") or "")
            # An autolink's text is its address: no need to say it twice.
            own = () if node.markup == "autolink" else (Style(LINK, url),)
            yield from _inline(node.children, (*styles, *own))


def write(runs: Sequence[Run], writer: Writer) -> str:
    """Runs in the writer's form, every style opened and closed within."""
    out: list[str] = []
    open_styles: list[Style] = []
    for run in runs:
        keep = 0
        while (
            keep < len(open_styles)
            and keep < len(run.styles)
            and open_styles[keep] == run.styles[keep]
        ):
            keep += 1
        while len(open_styles) > keep:
            out.append(writer.close(open_styles.pop()))
        for style in run.styles[keep:]:
            out.append(writer.open(style))
            open_styles.append(style)
        out.append(writer.text(run))
    while open_styles:
        out.append(writer.close(open_styles.pop()))
    return "".join(out)


def chunks(markdown: str, writer: Writer, limit: int) -> list[str]:
    """The message in the writer's form, in parts that each measure at most ``limit``: cut
    between blocks where it can, inside a block (at a line, then a space) only when that
    block alone is longer, and with every style closed in the part that opened it."""
    parts: list[list[Run]] = []
    current: list[Run] = []
    for block in blocks(markdown, writer.bullet):
        gap = [Run(block.gap, literal=True)] if current else []
        candidate = [*current, *gap, *block.runs]
        if writer.measure(candidate) <= limit:
            current = candidate
            continue
        if current:
            parts.append(current)
        if writer.measure(block.runs) <= limit:
            current = list(block.runs)
            continue
        *whole, current = _cut(block.runs, writer, limit)
        parts.extend(whole)
    if current:
        parts.append(current)
    shown = [part for part in parts if "".join(run.text for run in part).strip()]
    return [write(part, writer).strip() for part in shown] or [""]


def _cut(runs: Sequence[Run], writer: Writer, limit: int) -> list[list[Run]]:
    atoms: list[Run] = []
    for run in runs:
        for piece in re.split(r"(?<=\s)", run.text):
            atom = Run(piece, run.styles, run.literal)
            if not piece:
                continue
            if writer.measure([atom]) <= limit:
                atoms.append(atom)
            else:
                atoms.extend(Run(char, run.styles, run.literal) for char in piece)
    pieces: list[list[Run]] = []
    start = 0
    while start < len(atoms):
        low, high = start + 1, len(atoms)
        while low < high:
            middle = (low + high + 1) // 2
            if writer.measure(atoms[start:middle]) <= limit:
                low = middle
            else:
                high = middle - 1
        end = low
        lines = [i for i in range(start + 1, end) if atoms[i - 1].text.endswith("\n")]
        if end < len(atoms) and lines and lines[-1] - start > (end - start) // 2:
            end = lines[-1]
        pieces.append(atoms[start:end])
        start = end
    return pieces


def utf16_length(text: str) -> int:
    """Telegram counts characters in UTF-16 code units: an emoji outside the BMP is two."""
    return len(text.encode("utf-16-le")) // 2


@dataclass(frozen=True)
class PlainWriter:
    """Plain text, for the console and files: a link shows its address."""

    bullet: str = "- "

    def open(self, style: Style) -> str:
        return "> " if style.kind == QUOTE else ""

    def close(self, style: Style) -> str:
        return f" ({style.value})" if style.kind == LINK else ""

    def text(self, run: Run) -> str:
        if any(style.kind == QUOTE for style in run.styles):
            return run.text.replace("\n", "\n> ")
        return run.text

    def measure(self, runs: Sequence[Run]) -> int:
        return len(write(runs, self))


def plain(markdown: str) -> str:
    """Markdown as readable plain text."""
    return chunks(markdown, PlainWriter(), limit=len(markdown) * 2 + 64)[0]


@dataclass(frozen=True)
class PlainDialect:
    """The console: what you see is what was written."""

    def escape(self, text: str) -> str:
        return text

    def bold(self, text: str) -> str:
        return text

    def italic(self, text: str) -> str:
        return text

    def code(self, text: str) -> str:
        return text

    def link(self, text: str, url: str) -> str:
        return f"{text} ({url})"

    def markdown(self, text: str) -> str:
        return plain(text)


@dataclass(frozen=True)
class MarkdownDialect:
    """Discord and Telegram: CommonMark, which their adapters write in their own form."""

    def escape(self, text: str) -> str:
        return escape(text)

    def bold(self, text: str) -> str:
        return _emphasised("**", text)

    def italic(self, text: str) -> str:
        return _emphasised("*", text)

    def code(self, text: str) -> str:
        if not text:
            return ""
        fence = "`" * (max((len(m) for m in _BACKTICKS.findall(text)), default=0) + 1)
        pad = " " if text.startswith("`") or text.endswith("`") else ""
        return f"{fence}{pad}{text}{pad}{fence}"

    def link(self, text: str, url: str) -> str:
        address = url.replace(" ", "%20").replace("<", "%3C").replace(">", "%3E")
        return f"[{escape(text)}](<{address}>)"

    def markdown(self, text: str) -> str:
        return text


DIALECTS: dict[Platform, Dialect] = {
    Platform.CONSOLE: PlainDialect(),
    Platform.TELEGRAM: MarkdownDialect(),
    Platform.DISCORD: MarkdownDialect(),
}
