"""The knowledge base as files a founder edits: Markdown with YAML front matter, per locale.

``knowledge/en/reset-password.md``::

    ---
    id: reset-password
    title: How do I reset my password?
    questions: [forgot my password, can't log in]
    tags: [account]
    locale: en
    ---
    The answer, in Markdown.

Also converts JSONL/CSV exports into such files and back.
"""

from __future__ import annotations

import csv
import json
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from core.features.faq.entries import KBEntry
from core.locale import SUPPORTED

ID_PATTERN = re.compile(r"^[^\W_][\w.-]{0,99}$")
FRONT_MATTER = re.compile(r"\A---\s*\n(.*?)\n---\s*(?:\n|\Z)(.*)\Z", re.DOTALL)


@dataclass(frozen=True)
class Problem:
    path: str
    line: int
    reason: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.reason}"


def parse_entry(text: str, path: str) -> tuple[KBEntry | None, list[Problem]]:
    """An entry and no problems, or None and every problem found (reported as file:line)."""
    match = FRONT_MATTER.match(text)
    if match is None:
        return None, [Problem(path, 1, "missing front matter (a '---' block at the top)")]
    try:
        meta = yaml.safe_load(match.group(1)) or {}
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        line = mark.line + 2 if mark is not None else 1
        return None, [Problem(path, line, f"front matter is not valid YAML: {error}")]
    if not isinstance(meta, dict):
        return None, [Problem(path, 2, "front matter must be a mapping of keys")]
    body_line = match.group(1).count("\n") + 4
    return _entry_from_fields(
        meta, match.group(2).strip(), path, _key_lines(match.group(1)), body_line
    )


def _key_lines(front_matter: str) -> dict[str, int]:
    lines: dict[str, int] = {}
    for number, line in enumerate(front_matter.splitlines(), start=2):
        key = line.split(":", 1)[0].strip()
        if line and not line[0].isspace() and ":" in line:
            lines.setdefault(key, number)
    return lines


def _entry_from_fields(
    meta: dict[str, Any], answer: str, path: str, key_lines: dict[str, int], body_line: int
) -> tuple[KBEntry | None, list[Problem]]:
    problems: list[Problem] = []

    def problem(key: str, reason: str) -> None:
        problems.append(Problem(path, key_lines.get(key, 1), reason))

    entry_id = str(meta.get("id") or "").strip()
    if not ID_PATTERN.match(entry_id):
        problem("id", "id is missing or not made of letters, digits, '-', '_' and '.'")
    title = str(meta.get("title") or "").strip()
    if not title:
        problem("title", "title is missing")
    questions = meta.get("questions") or []
    if not isinstance(questions, list) or not all(isinstance(q, str) for q in questions):
        problem("questions", "questions must be a list of phrasings")
        questions = []
    tags = meta.get("tags") or []
    if not isinstance(tags, list):
        problem("tags", "tags must be a list")
        tags = []
    locale = str(meta.get("locale", "en"))
    if locale not in SUPPORTED:
        problem("locale", f"locale {locale!r} is not one of {', '.join(SUPPORTED)}")
    if not answer:
        problems.append(
            Problem(path, body_line, "the answer (text after the front matter) is empty")
        )
    if problems:
        return None, problems
    entry = KBEntry(
        id=entry_id,
        title=title,
        questions=tuple(q.strip() for q in questions if q.strip()),
        answer=answer,
        locale=locale,
        tags=tuple(str(t) for t in tags),
        source=path,
    )
    return entry, []


def load_dir(directory: Path) -> tuple[list[KBEntry], list[Problem]]:
    """Every entry under ``directory`` (one folder per locale) and every problem found.

    A duplicate id within a locale is a problem; the first file (by path) wins.
    """
    entries: list[KBEntry] = []
    problems: list[Problem] = []
    seen: dict[tuple[str, str], str] = {}
    for path in sorted(directory.rglob("*.md")):
        if path.name.lower() == "readme.md":
            continue
        shown = str(path)
        entry, found = parse_entry(path.read_text(encoding="utf-8"), shown)
        problems.extend(found)
        if entry is None:
            continue
        folder = path.parent.name
        if folder in SUPPORTED and folder != entry.locale:
            problems.append(Problem(shown, 1, f"locale {entry.locale} is in folder {folder}"))
        key = (entry.locale, entry.id)
        if key in seen:
            problems.append(Problem(shown, 1, f"id {entry.id!r} is also used by {seen[key]}"))
            continue
        seen[key] = shown
        entries.append(entry)
    return entries, problems


def render_entry(entry: KBEntry) -> str:
    meta = {
        "id": entry.id,
        "title": entry.title,
        "questions": list(entry.questions),
        "locale": entry.locale,
        "tags": list(entry.tags),
    }
    front = yaml.safe_dump(meta, allow_unicode=True, sort_keys=False).strip()
    return f"---\n{front}\n---\n{entry.answer.strip()}\n"


def write_entries(entries: Iterable[KBEntry], directory: Path) -> list[Path]:
    written = []
    for entry in entries:
        path = directory / entry.locale / f"{entry.id}.md"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(render_entry(entry), encoding="utf-8")
        written.append(path)
    return written


def read_records(path: Path) -> Iterator[tuple[int, dict[str, Any]]]:
    """Rows of a JSONL or CSV export, with their line numbers; CSV phrasings split on '|'."""
    with path.open(encoding="utf-8", newline="") as handle:
        if path.suffix.lower() == ".csv":
            reader = csv.DictReader(handle)
            for row in reader:
                record: dict[str, Any] = dict(row)
                for key in ("questions", "tags"):
                    record[key] = [p.strip() for p in (row.get(key) or "").split("|") if p.strip()]
                yield reader.line_num, record
            return
        for number, line in enumerate(handle, start=1):
            if line.strip():
                try:
                    yield number, json.loads(line)
                except json.JSONDecodeError as error:
                    raise ValueError(f"line {number}: not JSON ({error.msg})") from None


def import_records(path: Path) -> tuple[list[KBEntry], list[Problem]]:
    entries: list[KBEntry] = []
    problems: list[Problem] = []
    try:
        for number, record in read_records(path):
            entry, found = _entry_from_fields(
                record, str(record.get("answer", "")).strip(), f"{path}", {}, number
            )
            problems.extend(Problem(p.path, number, p.reason) for p in found)
            if entry is not None:
                entries.append(entry)
    except (ValueError, csv.Error) as error:
        problems.append(Problem(str(path), 0, f"unreadable: {error}"))
    return entries, problems
