"""One row per member the programme has touched: invited, active, declined or removed."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from core.db.base import Base

INVITED, ACTIVE, DECLINED, REMOVED = "invited", "active", "declined", "removed"


class Ambassador(Base):
    __tablename__ = "ambassadors"
    __table_args__ = (Index("ix_ambassadors_status", "status"),)

    member_id: Mapped[int] = mapped_column(
        ForeignKey("members.id", ondelete="CASCADE"), primary_key=True
    )
    status: Mapped[str] = mapped_column(String(10))
    invited_at: Mapped[datetime]
    invited_by: Mapped[int | None] = mapped_column(ForeignKey("members.id", ondelete="SET NULL"))
    answered_at: Mapped[datetime | None]
    since: Mapped[datetime | None]
    """When they accepted: an ambassador since this day."""
    removed_at: Mapped[datetime | None]
