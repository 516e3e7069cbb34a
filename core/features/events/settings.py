"""The ``[events]`` section of config.toml."""

from __future__ import annotations

from typing import Annotated

from pydantic import Field

from core.settings import PlatformId, Section

REMINDER = r"^\d+(m|h|d)$"


class EventsSettings(Section):
    """Who organises events, where their cards go, and when members are reminded."""

    organiser_role_ids: list[str] = Field(default_factory=list)
    organisers: list[PlatformId] = Field(default_factory=list)
    announce_places: list[PlatformId] = Field(default_factory=list)
    reminders: list[Annotated[str, Field(pattern=REMINDER)]] = Field(
        default_factory=lambda: ["24h", "1h"]
    )
    remind_maybe: bool = False
    post_ahead_days: int = Field(default=7, ge=1, le=90)
    card_edit_seconds: float = Field(default=5.0, ge=1.0, le=300.0)
    rsvp_close_minutes: int = Field(default=0, ge=-1440, le=10080)
    checkin_before_minutes: int = Field(default=15, ge=0, le=1440)
    attendance_points: int = Field(default=10, ge=0, le=1000)
    default_timezone: str = "UTC"
