"""Ambassadors: the seed's brand-ambassador programme, on reputation and badges. It answers
no plain messages; seventh in line, after badges. Its best candidates are a section of the
founder's digest."""

from core.feature import Feature
from core.features.ambassadors import handlers, personal
from core.features.ambassadors.digest import CandidatesSection
from core.features.ambassadors.settings import AmbassadorsSettings

FEATURE = Feature(
    "ambassadors",
    priority=7,
    settings=("ambassadors", AmbassadorsSettings),
    registries=(handlers.registry,),
    offers=lambda services: (CandidatesSection(services.settings),),
    personal_data=personal.PART,
)
