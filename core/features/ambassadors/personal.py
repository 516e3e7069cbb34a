"""The member's rows here for /privacy: whether they are an ambassador, and who invited whom."""

from core.features.ambassadors.models import Ambassador
from core.privacy import owned

PART = owned(
    ("ambassadors",),
    own=(Ambassador.member_id,),
    mentions=(Ambassador.invited_by,),
)
