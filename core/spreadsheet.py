"""Cells for CSV files moderators open in a spreadsheet (tickets, event attendees)."""

from __future__ import annotations

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value: object) -> object:
    """Members write subjects, names and comments: one starting like a formula
    ("=HYPERLINK(...)") would run in the spreadsheet a moderator opens, so it is kept as
    text."""
    if value is None:
        return ""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value
