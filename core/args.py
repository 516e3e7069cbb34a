"""Parsing a command's text arguments against its declaration.

Discord hands arguments over typed; Telegram and the console hand over one line of text. Words
fill word/integer/choice arguments in order; a text argument takes the rest of the line, or
the part before `` | `` when another text argument follows. Chinese keyboards type full-width
forms ("｜", "＃１", "Ｔ－１"), which mean the same as their ASCII twins.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from core.registry import ArgSpec, ArgType, CommandSpec

TEXT_SEPARATOR = "|"
_SEPARATOR = re.compile(r"[|｜]")
LARGEST_INTEGER = 2**31 - 1
"""What every database's integer column holds; numbers, ids and counts members type beyond it
mean nothing here."""


@dataclass(frozen=True)
class ArgError(Exception):
    """``problem`` is "missing", "not_a_number" or "not_a_choice"; templates word it."""

    problem: str
    arg: ArgSpec
    value: str = ""


def parse_text(spec: CommandSpec, text: str) -> dict[str, Any]:
    return convert(spec, _split(spec, text)[0])


def fits(spec: CommandSpec, text: str) -> bool:
    """Whether ``text`` is exactly ``spec``'s arguments, with no words left over."""
    values, rest = _split(spec, text)
    try:
        convert(spec, values)
    except ArgError:
        return False
    return not rest


def _leading_last(spec: CommandSpec, text: str) -> str:
    """``T-1 high`` read as ``high T-1`` where the last argument ``may_lead``: moved only when
    the first word fits its pattern and the last does not, so nothing typed in order moves."""
    if len(spec.args) < 2 or not spec.args[-1].may_lead:
        return text
    pattern = re.compile(spec.args[-1].may_lead, re.IGNORECASE)
    words = text.split()
    first = unicodedata.normalize("NFKC", words[0]) if words else ""
    last = unicodedata.normalize("NFKC", words[-1]) if words else ""
    if len(words) < 2 or not pattern.fullmatch(first) or pattern.fullmatch(last):
        return text
    return " ".join([*words[1:], words[0]])


def _split(spec: CommandSpec, text: str) -> tuple[dict[str, str], str]:
    """The raw value of each argument, and what no argument took."""
    values: dict[str, str] = {}
    rest = _leading_last(spec, text.strip())
    for index, arg in enumerate(spec.args):
        if arg.type is ArgType.TEXT:
            more_text = any(a.type is ArgType.TEXT for a in spec.args[index + 1 :])
            parts = _SEPARATOR.split(rest, maxsplit=1) if more_text else [rest]
            value, rest = parts[0].strip(), parts[1].strip() if len(parts) > 1 else ""
        else:
            parts = rest.split(maxsplit=1)
            value = parts[0] if parts else ""
            rest = parts[1] if len(parts) > 1 else ""
        if value:
            values[arg.name] = value
    return values, rest


def convert(spec: CommandSpec, raw: Mapping[str, str]) -> dict[str, Any]:
    """Check and type already-split values (also used for Discord's options and forms). A
    form's fields are required by the form itself; a call made without it has none."""
    parsed: dict[str, Any] = {}
    for arg in (*spec.args, *spec.form_fields):
        value = str(raw.get(arg.name, "")).strip()
        if arg.type is not ArgType.TEXT:
            value = unicodedata.normalize("NFKC", value)
        if not value:
            if arg.required and arg in spec.args:
                raise ArgError("missing", arg)
            continue
        if arg.type is ArgType.INTEGER:
            try:
                number = int(value)
            except ValueError:
                raise ArgError("not_a_number", arg, value) from None
            if abs(number) > LARGEST_INTEGER:
                raise ArgError("not_a_number", arg, value)
            parsed[arg.name] = number
        elif arg.type is ArgType.CHOICE:
            choice = value.lower()
            if choice not in arg.choices:
                raise ArgError("not_a_choice", arg, value)
            parsed[arg.name] = choice
        else:
            parsed[arg.name] = value
    return parsed


def usage(spec: CommandSpec, name: Callable[[str], str] = str) -> str:
    """``/faq add <question> | <answer>``: shown when arguments are missing or wrong.

    ``name`` words an argument in the reader's language (``<问题>``); choices stay as typed.
    """
    parts = [f"/{spec.name}"]
    for index, arg in enumerate(spec.args):
        label = "|".join(arg.choices) if arg.choices else name(arg.name)
        shown = f"<{label}>" if arg.required else f"[{label}]"
        if index and arg.type is ArgType.TEXT and spec.args[index - 1].type is ArgType.TEXT:
            shown = f"{TEXT_SEPARATOR} {shown}"
        parts.append(shown)
    return " ".join(parts)
