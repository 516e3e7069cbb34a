"""Member text in templates, whatever it holds, is shown and never obeyed: on Telegram the
HTML is accepted and shows the text as typed, on Discord its Markdown is escaped and its
mentions ping no one."""

from __future__ import annotations

import re

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from adapters.discord.markdown import markdown_parts
from adapters.discord.translate import NO_MENTIONS, send_kwargs
from adapters.telegram.html import html_parts
from core.events import OutgoingMessage, Platform, Visibility
from core.render import Renderer
from tests.fakes.telegram_text import refusal, visible

FAST = settings(
    max_examples=60, derandomize=True, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)
renderer = Renderer()
hostile = st.lists(
    st.one_of(
        st.sampled_from(
            ["**", "__", "*", "_", "`", "```", "~~", "||", "[x](https://evil.example)", "<b>",
             "</i>", "&amp;", "&", "<@123456789012345678>", "<@&42>", "@everyone", "@here",
             "# ", "> ", "- ", "1. ", "\\", "<t:0:F>", "<#1>", "https://evil.example"]
        ),
        st.text(alphabet=st.characters(blacklist_categories=("Cc", "Cs", "Zl", "Zp")), max_size=6),
    ),
    min_size=1,
    max_size=8,
).map("".join).filter(str.strip)  # fmt: skip
EVENT = {"ref": "E-1", "title": "Drinks"}
URL = r"(?:https?)://[^\s<]+[^<.,:;\"'\]\s]"


def _message(text: str) -> str:
    return renderer.render(
        "events/message",
        {"event": EVENT, "text": text, "count": 0, "organiser": False},
        platform=Platform.TELEGRAM,
        locale="en",
    )


def _spaced(text: str) -> str:
    return " ".join(text.split())


@FAST
@given(hostile)
def test_on_telegram_member_text_is_accepted_and_shown_as_typed(text: str) -> None:
    parts = html_parts(_message(text), 4096)
    assert all(refusal("sendMessage", {"text": p, "parse_mode": "HTML"}) is None for p in parts)
    shown = _spaced(" ".join(visible(p, "HTML", None) for p in parts))
    assert _spaced(text) in shown
    assert 'evil.example"' not in "".join(parts), "no link made from member text"


@FAST
@given(hostile)
def test_on_discord_member_text_is_escaped_and_pings_no_one(text: str) -> None:
    markdown = renderer.render(
        "core/unknown_command", {"command": text}, platform=Platform.DISCORD, locale="en"
    )
    parts = markdown_parts(markdown, 2000)
    joined = "".join(parts)
    assert not re.search(r"@(everyone|here)", joined), "a zero-width space breaks them"
    # Discord reads a URL as a link, marks inside it included (discord.py leaves them as is).
    outside_links = re.sub(URL, "", joined.replace("\\\\", ""))
    assert not re.search(r"(?<!\\)[*_`~|]", outside_links), "markdown escaped"
    message = OutgoingMessage(Platform.DISCORD, markdown, chat_id="1", visibility=Visibility.PUBLIC)
    assert all(call["allowed_mentions"] is NO_MENTIONS for call in send_kwargs(message))
