"""The member's rows here for /privacy: onboarding, its steps and the lifecycle stage."""

from core.features.lifecycle.models import (
    LifecycleMark,
    MemberStage,
    Onboarding,
    OnboardingStep,
    StageChange,
)
from core.privacy import owned

PART = owned(
    (
        Onboarding.__tablename__,
        OnboardingStep.__tablename__,
        MemberStage.__tablename__,
        StageChange.__tablename__,
        LifecycleMark.__tablename__,
    ),
    own=(
        Onboarding.member_id,
        OnboardingStep.member_id,
        MemberStage.member_id,
        StageChange.member_id,
    ),
)
