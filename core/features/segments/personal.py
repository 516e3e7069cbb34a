"""The member's rows here for /privacy: the member's engagement segment."""

from core.features.segments.models import MemberSegment
from core.privacy import owned

PART = owned(("member_segments",), own=(MemberSegment.member_id,))
