"""Feature requests and bug reports. A draft waiting for its words sees plain messages before
tickets and the FAQ, so the member's description is not answered as a question."""

from collections.abc import Sequence

from core.context import Services
from core.feature import Feature
from core.features.feedback import compose, handlers, personal
from core.features.feedback.service import FeedbackService
from core.features.feedback.settings import FeedbackSettings


def _offers(services: Services) -> Sequence[object]:
    return (FeedbackService(services.settings.section(FeedbackSettings)),)


FEATURE = Feature(
    "feedback",
    priority=10,
    settings=("feedback", FeedbackSettings),
    registries=(compose.registry, handlers.registry),
    offers=_offers,
    personal_data=personal.PART,
)
