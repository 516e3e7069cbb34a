"""The transcript a member receives: their language, and staff signed as the team."""

from __future__ import annotations

from datetime import UTC, datetime

from core.features.tickets.desk import member_transcript
from core.features.tickets.models import Ticket, TicketMessage
from core.render import Renderer

AT = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)


def _ticket(locale: str) -> tuple[Ticket, list[TicketMessage]]:
    ticket = Ticket(
        id=1, subject="Printer", locale=locale, priority="medium", status="closed", created_at=AT
    )
    said = [
        TicketMessage(author_name="alice", from_staff=False, text="jammed\n\nagain", at=AT),
        TicketMessage(author_name="bob", from_staff=True, text="Fixed it", at=AT),
    ]
    return ticket, said


def test_staff_are_the_support_team_unless_names_are_visible() -> None:
    ticket, said = _ticket("en")
    hidden = member_transcript(Renderer(), ticket, said, names_visible=False)
    assert "bob" not in hidden and "**Support team** (staff, 2026-11-23 09:00):" in hidden
    assert hidden.startswith("# T-1: Printer\n\n- opened: 2026-11-23 09:00 UTC\n")
    assert "> jammed\n>\n> again\n" in hidden
    shown = member_transcript(Renderer(), ticket, said, names_visible=True)
    assert "**bob** (staff, 2026-11-23 09:00):" in shown


def test_a_chinese_member_reads_their_transcript_in_chinese() -> None:
    ticket, said = _ticket("zh-CN")
    text = member_transcript(Renderer(), ticket, said, names_visible=False)
    assert "- 优先级：中\n- 状态：已关闭\n" in text
    assert "**客服团队**（客服，2026-11-23 09:00）：" in text
    assert "medium" not in text and "closed" not in text
