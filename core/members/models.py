"""A member is a person; an identity is one of their accounts on one platform."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from core.db.base import Base


class Member(Base):
    __tablename__ = "members"

    id: Mapped[int] = mapped_column(primary_key=True)
    display_name: Mapped[str] = mapped_column(String(100))
    locale: Mapped[str | None] = mapped_column(String(10))
    """The language the member chose with /language; None follows what they write."""
    seen_locale: Mapped[str | None] = mapped_column(String(10))
    """The language last seen from them (their message's, else their app's), for replies to
    what carries none: a button press, a bare command, a DM the bot starts."""
    dm_platform: Mapped[str | None] = mapped_column(String(20))
    dm_opt_out: Mapped[bool] = mapped_column(default=False)
    timezone: Mapped[str | None] = mapped_column(String(64))
    """The IANA zone chosen with /settings timezone; None shows times in each event's zone."""
    created_at: Mapped[datetime]
    last_seen_at: Mapped[datetime]

    identities: Mapped[list[Identity]] = relationship(
        back_populates="member", lazy="selectin", order_by="Identity.id"
    )


class Identity(Base):
    __tablename__ = "identities"
    __table_args__ = (UniqueConstraint("platform", "platform_user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    member_id: Mapped[int] = mapped_column(ForeignKey("members.id", ondelete="CASCADE"), index=True)
    platform: Mapped[str] = mapped_column(String(20))
    platform_user_id: Mapped[str] = mapped_column(String(64))
    display_name: Mapped[str] = mapped_column(String(100))
    dm_chat_id: Mapped[str | None] = mapped_column(String(64))
    unreachable_at: Mapped[datetime | None]
    unreachable_reason: Mapped[str | None] = mapped_column(String(200))
    created_at: Mapped[datetime]
    group_role: Mapped[int | None]
    """The role (``core.events.Role``) the account held when last seen in a group or channel;
    a DM carries no roles. Lets staff commands tell a moderator from a member who is away."""

    member: Mapped[Member] = relationship(back_populates="identities")
