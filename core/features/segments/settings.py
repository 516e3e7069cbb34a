"""The ``[segments]`` section of config.toml: the engagement score's weights and the window."""

from __future__ import annotations

from pydantic import Field

from core.settings import Section


class SegmentSettings(Section):
    """The score is 0..100, a weighted mean of six parts, each 0..1 over the last ``days``
    days: recency (1 the day they were last active, 0 at ``days`` ago or never), frequency
    (share of days active), breadth (features used, against the most anyone used),
    and contribution: points, solutions and events attended (each against the community's
    highest, on a log scale so one star does not flatten everyone else)."""

    days: int = Field(default=90, ge=7, le=365)
    recency: float = Field(default=0.25, ge=0)
    frequency: float = Field(default=0.25, ge=0)
    breadth: float = Field(default=0.15, ge=0)
    points: float = Field(default=0.15, ge=0)
    solutions: float = Field(default=0.1, ge=0)
    events: float = Field(default=0.1, ge=0)
    seed: int = 7
    """KMeans' seed: the same members and figures give the same segments every time."""
    refresh_hours: int = Field(default=24, ge=1, le=24 * 7)
    """How often the segments are computed again."""
