"""Tickets as a spreadsheet, for moderators and ``townhall tickets export``."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable

from core.features.tickets.models import Ticket
from core.spreadsheet import safe_cell

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


def tickets_csv(tickets: Iterable[Ticket]) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(COLUMNS)
    for ticket in tickets:
        row = {column: getattr(ticket, column) for column in COLUMNS}
        row["tags"] = " ".join(ticket.tags)
        writer.writerow([safe_cell(row[c]) for c in COLUMNS])
    return out.getvalue()
