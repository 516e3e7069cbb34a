"""What member text loses at the boundary, before anything stores or echoes it.

Control characters can rewrite a staff member's terminal or hide text (NUL, escape
sequences), and bidirectional overrides make a subject read differently from what it is
(``U+202E``). Newlines and tabs are how people lay text out, so they stay.
"""

from __future__ import annotations

import re

_UNSAFE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def clean(text: str) -> str:
    """``text`` without C0/C1 control characters (tab and newline kept) and bidi controls."""
    return _UNSAFE.sub("", text)
