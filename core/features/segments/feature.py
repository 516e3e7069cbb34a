"""Segments: each member's engagement score and the group (KMeans) they belong to, for
moderators (/stats segments) and for other features (``SegmentsService``: /member)."""

from core.feature import Feature
from core.features.segments import handlers, personal
from core.features.segments.service import SegmentsService
from core.features.segments.settings import SegmentSettings

FEATURE = Feature(
    "segments",
    priority=77,
    settings=("segments", SegmentSettings),
    registries=(handlers.registry,),
    offers=lambda services: (SegmentsService(services),),
    personal_data=personal.PART,
)
