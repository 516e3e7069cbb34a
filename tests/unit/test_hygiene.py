"""Member text is cleaned where adapters hand it to the core: names, text and arguments."""

from __future__ import annotations

from datetime import UTC, datetime

from core.events import Actor, EventKind, IncomingEvent, Place, PlaceKind, Platform
from core.hygiene import clean

C0 = "".join(chr(c) for c in range(0x20) if chr(c) not in "\t\n")
C1 = "".join(chr(c) for c in range(0x7F, 0xA0))
BIDI = "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"


def test_controls_and_bidi_overrides_go_newlines_and_tabs_stay() -> None:
    assert clean(f"a{C0}b{C1}c{BIDI}d") == "abcd"
    assert clean("line one\n\tline two 你好 🙂") == "line one\n\tline two 你好 🙂"


def test_an_event_is_clean_whatever_the_adapter_passed() -> None:
    event = IncomingEvent(
        event_id="1",
        kind=EventKind.COMMAND,
        actor=Actor(Platform.DISCORD, "1", "Eve\u202etxt.exe\x1b[31m"),
        place=Place(Platform.DISCORD, "2", PlaceKind.DM),
        received_at=datetime(2026, 12, 1, tzinfo=UTC),
        text="/ticket a\x00b",
        arg_text="a\x00b",
        args={"subject": "Refund\u2066\x07", "description": "two\nlines"},
        action_arg="3\x9b",
    )
    assert event.actor.display_name == "Evetxt.exe[31m"
    assert (event.text, event.arg_text, event.action_arg) == ("/ticket ab", "ab", "3")
    assert event.args == {"subject": "Refund", "description": "two\nlines"}
