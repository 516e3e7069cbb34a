"""What the Bot API refuses in a message's text, in Telegram's own words.

Telegram parses HTML strictly: only its tags, each closed in order; entities must lie
inside the text; what is left after parsing may be at most 4,096 characters (1,024 for a
caption), counted in UTF-16 code units. A message it refuses is not delivered at all, so
the fake refuses the same.
"""

from __future__ import annotations

from html.parser import HTMLParser
from typing import Any

TAGS = frozenset(
    {
        "b",
        "strong",
        "i",
        "em",
        "u",
        "ins",
        "s",
        "strike",
        "del",
        "span",
        "tg-spoiler",
        "a",
        "code",
        "pre",
        "blockquote",
        "tg-emoji",
    }
)
MESSAGE_LIMIT = 4096
CAPTION_LIMIT = 1024
CANT_PARSE = "Bad Request: can't parse entities: "


class Refused(Exception):
    """The description Telegram answers with (HTTP 400)."""


class _Html(HTMLParser):
    def __init__(self, source: str) -> None:
        super().__init__(convert_charrefs=True)
        self._source = source
        self._lines = source.splitlines(keepends=True)
        self.open: list[str] = []
        self.text: list[str] = []

    def _offset(self) -> int:
        line, column = self.getpos()
        before = "".join(self._lines[: line - 1]) + self._lines[line - 1][:column]
        return len(before.encode())

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag not in TAGS:
            raise Refused(
                f'{CANT_PARSE}Unsupported start tag "{tag}" at byte offset {self._offset()}'
            )
        self.open.append(tag)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        raise Refused(f'{CANT_PARSE}Unsupported start tag "{tag}" at byte offset {self._offset()}')

    def handle_endtag(self, tag: str) -> None:
        if not self.open:
            raise Refused(f"{CANT_PARSE}Unexpected end tag at byte offset {self._offset()}")
        expected = self.open.pop()
        if expected != tag:
            raise Refused(
                f"{CANT_PARSE}Unmatched end tag at byte offset {self._offset()}, "
                f'expected "</{expected}>", found "</{tag}>"'
            )

    def handle_data(self, data: str) -> None:
        self.text.append(data)


def visible(text: str, parse_mode: str | None, entities: list[dict[str, Any]] | None) -> str:
    """The text a member would see, or ``Refused`` with Telegram's description."""
    if parse_mode is not None and parse_mode.upper() == "HTML":
        parser = _Html(text)
        parser.feed(text)
        parser.close()
        if parser.open:
            raise Refused(
                f'{CANT_PARSE}Can\'t find end tag corresponding to start tag "{parser.open[-1]}"'
            )
        text = "".join(parser.text)
    size = units(text)
    for entity in entities or ():
        offset, length = int(entity["offset"]), int(entity["length"])
        if offset < 0 or length <= 0 or offset + length > size:
            raise Refused(f"{CANT_PARSE}entity beyond the end of text at offset {offset}")
    return text


def units(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


def refusal(method: str, params: dict[str, Any]) -> str | None:
    """Why Telegram would refuse this call's text or caption; None if it would not."""
    if method in ("sendMessage", "editMessageText"):
        field, limit, too_long = "text", MESSAGE_LIMIT, "Bad Request: message is too long"
        entities = params.get("entities")
    elif "caption" in params:
        field, limit, too_long = (
            "caption",
            CAPTION_LIMIT,
            "Bad Request: message caption is too long",
        )
        entities = params.get("caption_entities")
    else:
        return None
    try:
        shown = visible(str(params.get(field, "")), params.get("parse_mode"), entities)
    except Refused as refused:
        return str(refused)
    if field == "text" and not shown.strip():
        return "Bad Request: message text is empty"
    if units(shown) > limit:
        return too_long
    return None
