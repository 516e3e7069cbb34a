"""The ``[tickets]`` section of config.toml, and the priorities it speaks of."""

from __future__ import annotations

from typing import Literal, get_args

from pydantic import Field, field_validator

from core.settings import PlatformId, Section

Priority = Literal["low", "medium", "high", "urgent"]
PRIORITIES: tuple[Priority, ...] = get_args(Priority)


class TierSettings(Section):
    """A member tier (paying customers, partners): its accounts' tickets start at least at
    ``priority``; keywords may still raise it."""

    priority: Priority
    members: list[PlatformId] = Field(default_factory=list)


class TicketSettings(Section):
    """The support desk: where staff work, how fast they should answer, when to give up."""

    staff_places: list[PlatformId] = Field(default_factory=list)
    staff_names_visible: bool = False
    first_response_hours: dict[str, float] = Field(
        default_factory=lambda: {"urgent": 1.0, "high": 2.0, "medium": 4.0, "low": 24.0}
    )
    resolution_hours: dict[str, float] = Field(
        default_factory=lambda: {"urgent": 24.0, "high": 48.0, "medium": 72.0, "low": 168.0}
    )
    priority_keywords: dict[str, list[str]] = Field(
        default_factory=lambda: {
            "urgent": ["down", "outage", "data loss", "宕机", "无法访问", "数据丢失"],
            "high": ["can't log in", "cannot log in", "payment", "charged", "无法登录", "付款"],
            "low": ["suggestion", "typo", "建议", "错别字"],
        }
    )
    tiers: dict[str, TierSettings] = Field(default_factory=dict)
    reopen_days: int = Field(default=7, ge=0)
    inactive_warn_days: float = Field(default=3, gt=0)
    inactive_close_days: float = Field(default=5, gt=0)
    csat_question: dict[str, str] = Field(default_factory=dict)

    @field_validator("first_response_hours", "resolution_hours", "priority_keywords")
    @classmethod
    def known_priorities(cls, value: dict[str, object]) -> dict[str, object]:
        unknown = set(value) - set(PRIORITIES)
        if unknown:
            raise ValueError(f"priorities are {', '.join(PRIORITIES)}, not {', '.join(unknown)}")
        return value
