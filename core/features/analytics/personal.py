"""The member's rows here for /privacy: per-member activity figures (daily counts stay)."""

from core.features.analytics.models import DayCount, MemberDay, MemberStart, Presence, RollupState
from core.privacy import owned

PART = owned(
    (
        DayCount.__tablename__,
        MemberDay.__tablename__,
        MemberStart.__tablename__,
        Presence.__tablename__,
        RollupState.__tablename__,
    ),
    own=(
        MemberDay.member_id,
        MemberStart.member_id,
        Presence.member_id,
    ),
)
