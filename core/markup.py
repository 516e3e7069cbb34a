"""How text is made safe and emphasised on each platform.

Member text is escaped for the platform's markup and can never ping everyone, here or a
role; the few markup helpers templates use produce the platform's own syntax.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass
from typing import Protocol

from core.events import Platform

_DISCORD_SPECIAL = re.compile(r"([\\*_~`|>\[\]()#:-])")
_MASS_MENTION = re.compile(r"@(everyone|here)", re.IGNORECASE)
_DISCORD_MENTION = re.compile(r"<(@[!&]?|#)(\d+)>")
_BOLD = re.compile(r"\*\*(.+?)\*\*", re.DOTALL)
_CODE = re.compile(r"`([^`\n]+)`")
ZERO_WIDTH_SPACE = "\u200b"


class Dialect(Protocol):
    def escape(self, text: str) -> str: ...
    def bold(self, text: str) -> str: ...
    def italic(self, text: str) -> str: ...
    def code(self, text: str) -> str: ...
    def link(self, text: str, url: str) -> str: ...
    def markdown(self, text: str) -> str: ...


def defuse_mentions(text: str) -> str:
    """Break @everyone, @here and <@&role> so no client reads them as pings."""
    text = _MASS_MENTION.sub(lambda m: f"@{ZERO_WIDTH_SPACE}{m.group(1)}", text)
    return _DISCORD_MENTION.sub(lambda m: f"<{m.group(1)}{ZERO_WIDTH_SPACE}{m.group(2)}>", text)


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
        return _CODE.sub(r"\1", _BOLD.sub(r"\1", text))


@dataclass(frozen=True)
class TelegramHtmlDialect:
    """Telegram's HTML parse mode: the simplest to escape correctly."""

    def escape(self, text: str) -> str:
        return html.escape(text, quote=False)

    def bold(self, text: str) -> str:
        return f"<b>{self.escape(text)}</b>"

    def italic(self, text: str) -> str:
        return f"<i>{self.escape(text)}</i>"

    def code(self, text: str) -> str:
        return f"<code>{self.escape(text)}</code>"

    def link(self, text: str, url: str) -> str:
        return f'<a href="{html.escape(url, quote=True)}">{self.escape(text)}</a>'

    def markdown(self, text: str) -> str:
        escaped = self.escape(text)
        return _CODE.sub(r"<code>\1</code>", _BOLD.sub(r"<b>\1</b>", escaped))


@dataclass(frozen=True)
class DiscordMarkdownDialect:
    def escape(self, text: str) -> str:
        return defuse_mentions(_DISCORD_SPECIAL.sub(r"\\\1", text))

    def bold(self, text: str) -> str:
        return f"**{self.escape(text)}**"

    def italic(self, text: str) -> str:
        return f"*{self.escape(text)}*"

    def code(self, text: str) -> str:
        return f"`{text.replace('`', 'ˋ')}`"

    def link(self, text: str, url: str) -> str:
        return f"[{self.escape(text)}](<{url}>)"

    def markdown(self, text: str) -> str:
        return defuse_mentions(text)


DIALECTS: dict[Platform, Dialect] = {
    Platform.CONSOLE: PlainDialect(),
    Platform.TELEGRAM: TelegramHtmlDialect(),
    Platform.DISCORD: DiscordMarkdownDialect(),
}
