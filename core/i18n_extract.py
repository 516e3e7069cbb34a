"""Babel's extractor for Townhall's Python modules (``make i18n``, see babel.cfg).

Besides what Babel's own Python extractor finds (``_()``, ``N_()``...), a command's
description is its handler's docstring and an argument's hint its ``ArgSpec`` description,
both English in code: they are extracted here so the catalogues translate them, and so is
each argument's name (context ``argument``), which members read in error messages.
"""

from __future__ import annotations

import ast
from collections.abc import Collection, Iterator, Mapping
from io import BytesIO
from pathlib import Path
from typing import IO, Any

from babel.messages.extract import extract_from_dir, extract_python
from babel.messages.frontend import parse_mapping_cfg

from core.i18n import ARGUMENT

Extracted = tuple[Any, ...]
"""What a Babel extractor yields: line, function, message(s), comments."""


def extract(
    fileobj: IO[bytes],
    keywords: Mapping[str, Any],
    comment_tags: Collection[str],
    options: Any,
) -> Iterator[Extracted]:
    source = fileobj.read()
    yield from extract_python(BytesIO(source), keywords, comment_tags, options)
    yield from declarations(ast.parse(source))


def declarations(tree: ast.AST) -> Iterator[Extracted]:
    for node in ast.walk(tree):
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            doc = ast.get_docstring(node)
            if doc and any(_declares_command(d) for d in node.decorator_list):
                yield node.lineno, "gettext", doc.strip().splitlines()[0], []
        elif isinstance(node, ast.Call) and _name(node.func) == "ArgSpec":
            if node.args and isinstance(name := node.args[0], ast.Constant):
                yield node.lineno, "pgettext", (ARGUMENT, str(name.value)), []
            for keyword in node.keywords:
                if keyword.arg == "description" and isinstance(keyword.value, ast.Constant):
                    yield node.lineno, "gettext", str(keyword.value.value), []


def _declares_command(decorator: ast.expr) -> bool:
    return isinstance(decorator, ast.Call) and _name(decorator.func) == "command"


def _name(node: ast.expr) -> str:
    if isinstance(node, ast.Attribute):
        return node.attr
    return node.id if isinstance(node, ast.Name) else ""


def messages_of(package: Path, mapping: Path) -> set[tuple[str | None, str]]:
    """(context, message id) of every message a package's sources mark, as ``make i18n``
    extracts them with ``mapping`` (babel.cfg)."""
    with mapping.open() as handle:
        method_map, options_map = parse_mapping_cfg(handle)  # type: ignore[no-untyped-call]
    found: set[tuple[str | None, str]] = set()
    for _, _, message, _, context in extract_from_dir(package, method_map, options_map):
        found.add((context, message if isinstance(message, str) else message[0]))
    return found
