"""How many "you might like" lines a welcome or a nudge shows (``RecommendationsService``):
a newcomer has no history yet, so the most popular events, answers and ideas; by a nudge,
what members who did the same went on to."""

LIKED = 3
