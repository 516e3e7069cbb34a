"""Reputation: points for helping, from a ledger. It sees every plain message first and
answers none of them, so a message is counted whoever answers it."""

from core.context import Services
from core.feature import Feature
from core.features.reputation import handlers, moderation, personal, ranks, tiers
from core.features.reputation.recent import Recent
from core.features.reputation.settings import ReputationSettings


async def _load_recent(services: Services) -> None:
    async with services.database.session() as session:
        await services.get(Recent).load(session, services.clock.now())


FEATURE = Feature(
    "reputation",
    priority=5,
    settings=("reputation", ReputationSettings),
    registries=(handlers.registry, moderation.registry, ranks.registry, tiers.registry),
    offers=lambda services: (Recent(),),
    start=_load_recent,
    personal_data=personal.PART,
)
