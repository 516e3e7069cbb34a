"""The member's rows here for /privacy: the badges earned, and who gave or took them."""

from core.features.badges.models import BadgeRuleSwept, MemberBadge
from core.privacy import owned

PART = owned(
    (MemberBadge.__tablename__, BadgeRuleSwept.__tablename__),
    own=(MemberBadge.member_id,),
    mentions=(MemberBadge.given_by, MemberBadge.taken_by),
)
