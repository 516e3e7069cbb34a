"""The attendees CSV keeps member-written cells inert in a spreadsheet."""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime

from core.features.events.attendance import attendees_csv
from core.features.events.models import Rsvp

AT = datetime(2026, 11, 24, 18, 0, tzinfo=UTC)


def test_a_formula_in_a_name_or_comment_stays_text() -> None:
    rsvp = Rsvp(
        status="going",
        answered_at=AT,
        queued_at=AT,
        checked_in_at=AT,
        survey_score=5,
        survey_comment='=HYPERLINK("http://x")',
    )
    rows = list(csv.reader(io.StringIO(attendees_csv([("@admin", rsvp)]))))
    assert rows[0] == ["member", "answer", "answered_at", "checked_in_at", "rating", "comment"]
    assert rows[1][0] == "'@admin"
    assert rows[1][5] == '\'=HYPERLINK("http://x")'
    assert rows[1][4] == "5"
