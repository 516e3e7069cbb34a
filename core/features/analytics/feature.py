"""Analytics: the activity log rolled up into KPIs, targets, cohorts and the funnel."""

from core.feature import Feature
from core.features.analytics import handlers, personal, sweeps
from core.features.analytics.service import AnalyticsService
from core.features.analytics.settings import KpiSettings

FEATURE = Feature(
    "analytics",
    priority=70,
    settings=("kpis", KpiSettings),
    registries=(handlers.registry, sweeps.registry),
    offers=lambda services: (AnalyticsService.of(services),),
    personal_data=personal.PART,
)
