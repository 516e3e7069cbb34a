"""The ``[reputation]`` section: what each kind of help earns and the anti-farming limits."""

from __future__ import annotations

from pydantic import Field

from core.settings import Section


class ReputationSettings(Section):
    enabled: bool = True
    topic_points: int = Field(default=5, ge=0, le=1000)
    reply_points: int = Field(default=2, ge=0, le=1000)
    message_points: int = Field(default=1, ge=0, le=1000)
    message_cooldown_seconds: int = Field(default=60, ge=0, le=86400)
    thanks_points: int = Field(default=10, ge=0, le=1000)
    give_points: int = Field(default=10, ge=0, le=1000)
    solution_points: int = Field(default=15, ge=0, le=1000)
    event_points: int = Field(default=20, ge=0, le=1000)
    feedback_shipped_points: int = Field(default=20, ge=0, le=1000)
    thanks_reactions: list[str] = Field(default_factory=lambda: ["👍", "❤️", "🙏"])
    ignore_places: list[str] = Field(default_factory=list)
    max_thanks_given_per_day: int = Field(default=5, ge=0, le=1000)
    max_message_points_per_day: int = Field(default=50, ge=0, le=100000)
    min_account_days: float = Field(default=3, ge=0, le=365)
    min_messages_to_give: int = Field(default=10, ge=0, le=10000)
    pair_hours: float = Field(default=24, ge=0, le=24 * 30)
    same_text_minutes: float = Field(default=10, ge=0, le=24 * 60)
    min_message_chars: int = Field(default=3, ge=0, le=100)
    ring_max_thanks: int = Field(default=3, ge=1, le=1000)
    ring_days: float = Field(default=7, ge=1, le=90)
    history_limit: int = Field(default=10, ge=1, le=50)
    announce_place: str = Field(default="", pattern=r"^((discord|telegram|console):\S+)?$")
