"""The founder's digest: one DM a day (or each Monday) with the community's figures, what
changed and why it matters, and a chart. It reads no plain messages."""

from core.feature import Feature
from core.features.digest import handlers, personal
from core.features.digest.settings import DigestSettings

FEATURE = Feature(
    "digest",
    priority=75,
    settings=("digest", DigestSettings),
    registries=(handlers.registry,),
    personal_data=personal.PART,
)
