"""The member's rows here for /privacy: experiment assignments and deliveries."""

from core.features.experiments.models import (
    ExperimentAssignment,
    ExperimentDelivery,
    ExperimentStop,
)
from core.privacy import owned

PART = owned(
    (
        ExperimentAssignment.__tablename__,
        ExperimentDelivery.__tablename__,
        ExperimentStop.__tablename__,
    ),
    own=(ExperimentAssignment.member_id, ExperimentDelivery.member_id),
    mentions=(ExperimentStop.stopped_by,),
)
