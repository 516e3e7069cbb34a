"""The ``[digest]`` section of config.toml."""

from __future__ import annotations

from pydantic import Field

from core.settings import Section


class DigestSettings(Section):
    """When founders get their digest, and how sure a change must be before it is flagged."""

    enabled: bool = True
    hour: int = Field(default=8, ge=0, le=23)
    """The hour of the day, in each founder's own time zone, their digest is sent."""
    anomaly_days: int = Field(default=28, ge=14, le=91)
    """The days a figure is compared with; fewer days of history flag nothing."""
    anomaly_mads: float = Field(default=3.0, gt=0)
    """How many median absolute deviations from its usual value make a figure unusual."""
    anomaly_min_count: int = Field(default=10, ge=1)
    """Neither the day nor its usual value reaching this, a change is too small to mention."""
