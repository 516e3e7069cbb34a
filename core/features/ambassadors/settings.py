"""The ``[ambassadors]`` section: who may be invited, what they are offered, where staff read."""

from __future__ import annotations

from pydantic import Field

from core.settings import PlatformId, Section


class AmbassadorsSettings(Section):
    min_reputation: int = Field(default=1000, ge=0)
    """Members with at least this many points are candidates."""
    perks: dict[str, list[str]] = Field(default_factory=dict)
    """What an ambassador gets, per language ({ en = [...], "zh-CN" = [...] }), shown in the
    invitation; a language without its own list reads the English one."""
    discord_role_id: str = Field(default="", pattern=r"^\d*$")
    """The Discord role an ambassador is given on accepting and loses on removal."""
    staff_places: list[PlatformId] = Field(default_factory=list)
    """Where the weekly candidates and the monthly inactivity note go; empty: the
    ``[tickets] staff_places``."""
    candidates_shown: int = Field(default=10, ge=1, le=50)
    inactive_days: int = Field(default=30, ge=1, le=365)
