"""The member's rows here for /privacy: win-back messages, stops and the learned hours."""

from core.features.winback.models import (
    WinbackControl,
    WinbackMessage,
    WinbackProfile,
    WinbackStop,
)
from core.privacy import owned

PART = owned(
    (
        WinbackMessage.__tablename__,
        WinbackStop.__tablename__,
        WinbackControl.__tablename__,
        WinbackProfile.__tablename__,
    ),
    own=(
        WinbackMessage.member_id,
        WinbackStop.member_id,
        WinbackProfile.member_id,
    ),
    mentions=(WinbackControl.paused_by,),
)
