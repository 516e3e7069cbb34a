"""Recommendations: "you might like" for a member, from what members like them did
(item-based collaborative filtering). It answers no messages; other features ask it
(``RecommendationsService``): onboarding's welcome and nudges, win-back."""

from core.feature import Feature
from core.features.recommendations.service import RecommendationsService

FEATURE = Feature(
    "recommendations",
    priority=57,
    offers=lambda services: (RecommendationsService(services),),
)
