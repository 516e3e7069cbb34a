"""The ``[feedback]`` section of config.toml."""

from __future__ import annotations

from pydantic import Field

from core.settings import Section


class FeedbackSettings(Section):
    similar_limit: int = Field(default=3, ge=1, le=5)
    similar_min_score: float = Field(default=0.5, ge=0.0, le=1.0)
    list_limit: int = Field(default=10, ge=1, le=25)
    themes_days: int = Field(default=30, ge=1, le=365)
    themes_max_distance: float = Field(default=0.9, gt=0.0, lt=1.0)
    themes_min_size: int = Field(default=2, ge=2, le=100)
    max_themes: int = Field(default=10, ge=1, le=25)
    themes_max_texts: int = Field(default=5000, ge=10, le=20000)
