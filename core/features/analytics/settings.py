"""``[kpis]``: a target for any headline figure, shown with progress and the change."""

from __future__ import annotations

from pydantic import Field

from core.settings import Section

LOWER_IS_BETTER = frozenset(
    {"churned", "backlog", "sla_breaches", "first_response_hours", "resolution_hours"}
)


class KpiSettings(Section):
    """Each key is a figure's name as ``townhall stats --json`` prints it under "kpis";
    unset keys have no target."""

    dau: float | None = Field(default=None, ge=0)
    wau: float | None = Field(default=None, ge=0)
    mau: float | None = Field(default=None, ge=0)
    stickiness: float | None = Field(default=None, ge=0, le=1)
    new_members: float | None = Field(default=None, ge=0)
    activation: float | None = Field(default=None, ge=0, le=1)
    d1_retention: float | None = Field(default=None, ge=0, le=1)
    d7_retention: float | None = Field(default=None, ge=0, le=1)
    d30_retention: float | None = Field(default=None, ge=0, le=1)
    churned: float | None = Field(default=None, ge=0)
    questions_asked: float | None = Field(default=None, ge=0)
    questions_answered: float | None = Field(default=None, ge=0)
    deflection: float | None = Field(default=None, ge=0, le=1)
    tickets_opened: float | None = Field(default=None, ge=0)
    backlog: float | None = Field(default=None, ge=0)
    first_response_hours: float | None = Field(default=None, ge=0)
    resolution_hours: float | None = Field(default=None, ge=0)
    sla_breaches: float | None = Field(default=None, ge=0)
    csat: float | None = Field(default=None, ge=1, le=5)
    feedback_received: float | None = Field(default=None, ge=0)
    feedback_shipped: float | None = Field(default=None, ge=0)
    rsvps: float | None = Field(default=None, ge=0)
    attendance: float | None = Field(default=None, ge=0)
    survey_average: float | None = Field(default=None, ge=1, le=5)
    reputation_given: float | None = Field(default=None, ge=0)
    badges_awarded: float | None = Field(default=None, ge=0)

    def targets(self) -> dict[str, float]:
        return {name: value for name, value in self.model_dump().items() if value is not None}
