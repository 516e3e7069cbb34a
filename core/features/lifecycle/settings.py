"""The ``[welcome]``, ``[onboarding]`` and ``[lifecycle]`` sections of config.toml."""

from __future__ import annotations

from typing import Literal, Self

from pydantic import Field, model_validator

from core.settings import Section

Task = Literal["hello", "settings", "question", "rsvp", "thanks"]
"""What a newcomer can be asked to do; each is noticed from what they do (see ``tasks``)."""

DEFAULT_TASKS: list[Task] = ["hello", "settings", "question", "rsvp", "thanks"]
BITS = 62
"""A member's active days are a bitmask in one signed 64-bit column: at most this many days."""


class WelcomeSettings(Section):
    """Where newcomers are greeted: where they joined, unless a channel is named here."""

    enabled: bool = True
    discord_channel_id: str = Field(default="", pattern=r"^\d*$")
    telegram_chat_id: str = Field(default="", pattern=r"^-?\d*$")


class OnboardingSettings(Section):
    """A newcomer's checklist, its nudges and what finishing it earns."""

    enabled: bool = True
    tasks: list[Task] = Field(default_factory=lambda: list(DEFAULT_TASKS), min_length=1)
    nudge_days: list[float] = Field(default_factory=lambda: [1.0, 3.0], max_length=2)
    points: int = Field(default=20, ge=0, le=1000)
    badge: str = "onboarded"

    @model_validator(mode="after")
    def distinct(self) -> Self:
        if len(set(self.tasks)) != len(self.tasks):
            raise ValueError("tasks: each task at most once")
        if any(b <= a for a, b in zip(self.nudge_days, self.nudge_days[1:], strict=False)):
            raise ValueError("nudge_days: increasing, e.g. [1, 3]")
        if any(day <= 0 for day in self.nudge_days):
            raise ValueError("nudge_days: after joining, so above 0")
        return self


class LifecycleSettings(Section):
    """The stages' definitions; "active on a day" is any event of the member's that day."""

    activated_tasks: int = Field(default=2, ge=1, le=5)
    activated_within_days: int = Field(default=7, ge=1, le=365)
    engaged_active_days: int = Field(default=4, ge=1, le=BITS)
    engaged_window_days: int = Field(default=14, ge=1, le=BITS)
    at_risk_window_days: int = Field(default=14, ge=1, le=BITS)
    at_risk_baseline_days: int = Field(default=28, ge=1, le=BITS)
    at_risk_ratio: float = Field(default=0.5, gt=0, le=1)
    lapsed_days: int = Field(default=30, ge=1, le=3650)
    churned_days: int = Field(default=90, ge=2, le=3650)

    @model_validator(mode="after")
    def consistent(self) -> Self:
        if self.at_risk_window_days + self.at_risk_baseline_days > BITS:
            raise ValueError(f"at_risk_window_days + at_risk_baseline_days: at most {BITS}")
        if self.engaged_active_days > self.engaged_window_days:
            raise ValueError("engaged_active_days: at most engaged_window_days")
        if self.churned_days <= self.lapsed_days:
            raise ValueError("churned_days: more than lapsed_days")
        return self

    @property
    def window(self) -> int:
        """How many recent days of activity the stages read."""
        return max(self.engaged_window_days, self.at_risk_window_days + self.at_risk_baseline_days)
