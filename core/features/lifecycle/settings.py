"""The ``[welcome]`` and ``[onboarding]`` sections of config.toml."""

from __future__ import annotations

from typing import Literal, Self

from pydantic import Field, model_validator

from core.settings import Section

Task = Literal["hello", "settings", "question", "rsvp", "thanks"]
"""What a newcomer can be asked to do; each is noticed from what they do (see ``tasks``)."""

DEFAULT_TASKS: list[Task] = ["hello", "settings", "question", "rsvp", "thanks"]


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
