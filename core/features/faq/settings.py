"""The ``[faq]`` section of config.toml."""

from __future__ import annotations

from pydantic import Field

from core.features.faq.search_calibration import DEFAULT_MIN_CONFIDENCE
from core.settings import PlatformId, Section


class FaqSettings(Section):
    min_confidence: float = Field(default=DEFAULT_MIN_CONFIDENCE["latin"], ge=0.0, le=1.0)
    min_confidence_cjk: float = Field(default=DEFAULT_MIN_CONFIDENCE["cjk"], ge=0.0, le=1.0)
    auto_answer_min_confidence: float = Field(default=0.7, ge=0.0, le=1.0)
    help_channels: list[str] = Field(default_factory=list)
    max_question_length: int = Field(default=1000, ge=50, le=4000)
    review_place: PlatformId | None = None

    @property
    def thresholds(self) -> dict[str, float]:
        """``min_confidence`` for Latin-script entries, ``min_confidence_cjk`` for Chinese."""
        return {"latin": self.min_confidence, "cjk": self.min_confidence_cjk}
