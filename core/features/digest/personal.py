"""The member's rows here for /privacy: the founder's digest choices and the digests sent."""

from core.features.digest.models import DigestChoice, DigestSent
from core.privacy import owned

PART = owned(
    ("digest_choices", "digest_sent"),
    own=(DigestChoice.member_id, DigestSent.member_id),
)
