"""The ``[privacy]`` section of config.toml."""

from __future__ import annotations

from pydantic import Field

from core.settings import Section


class PrivacySettings(Section):
    """How long raw activity is kept."""

    activity_days: int = Field(default=90, ge=1)
    """Activity log rows older than this many days are deleted once the analytics rollup has
    counted them; the daily figures stay."""
