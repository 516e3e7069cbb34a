"""The core's own tables in the one metadata; features add theirs from their models.py.

``bot.features.load_models`` imports those, so Alembic and the schema test see the whole
schema without anyone listing a feature's tables here.
"""

from core.activity import ActivityEvent
from core.db.base import Base
from core.members.models import Identity, Member
from core.outbox import OutboxMessage

metadata = Base.metadata

__all__ = ["ActivityEvent", "Identity", "Member", "OutboxMessage", "metadata"]
