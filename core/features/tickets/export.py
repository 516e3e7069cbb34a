"""Tickets as a spreadsheet, for moderators and ``townhall tickets export``."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable

from core.features.tickets.models import Ticket

COLUMNS = (
    "ref",
    "status",
    "priority",
    "subject",
    "platform",
    "source",
    "tags",
    "created_at",
    "first_response_at",
    "resolved_at",
    "closed_at",
    "close_reason",
    "breached",
    "csat_score",
    "csat_comment",
)


FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def _cell(value: object) -> object:
    """Members write subjects and comments: one starting like a formula ("=HYPERLINK(...)")
    would run in the spreadsheet a moderator opens, so it is kept as text."""
    if value is None:
        return ""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def tickets_csv(tickets: Iterable[Ticket]) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(COLUMNS)
    for ticket in tickets:
        row = {column: getattr(ticket, column) for column in COLUMNS}
        row["tags"] = " ".join(ticket.tags)
        writer.writerow([_cell(row[c]) for c in COLUMNS])
    return out.getvalue()
