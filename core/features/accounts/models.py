"""One-time codes that join two platform accounts into one member, and wrong guesses at them."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from core.db.base import Base


class LinkCode(Base):
    """Only the code's hash is kept: whoever reads the database cannot replay a live code.

    A code belongs to the account that asked for it, not to its member, so it keeps meaning
    the same person whatever merges happen before it is used.
    """

    __tablename__ = "link_codes"

    id: Mapped[int] = mapped_column(primary_key=True)
    identity_id: Mapped[int] = mapped_column(
        ForeignKey("identities.id", ondelete="CASCADE"), index=True
    )
    code_hash: Mapped[str] = mapped_column(String(64), index=True)
    created_at: Mapped[datetime]
    expires_at: Mapped[datetime]
    used_at: Mapped[datetime | None]


class LinkFailure(Base):
    """A code that did not work, counted per account to slow down guessing."""

    __tablename__ = "link_failures"
    __table_args__ = (Index("ix_link_failures_identity_at", "identity_id", "at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    identity_id: Mapped[int] = mapped_column(ForeignKey("identities.id", ondelete="CASCADE"))
    at: Mapped[datetime]
