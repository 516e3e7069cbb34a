"""Each member's segment and engagement score, as last computed by the segments sweep."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from core.db.base import Base


class MemberSegment(Base):
    __tablename__ = "member_segments"

    member_id: Mapped[int] = mapped_column(
        ForeignKey("members.id", ondelete="CASCADE"), primary_key=True
    )
    segment: Mapped[str] = mapped_column(String(20), index=True)
    """A name from ``clusters.NAMES``: what sets the member's group apart."""
    score: Mapped[float]
    """The weighted engagement score, 0..100."""
    computed_at: Mapped[datetime]
