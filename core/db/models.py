"""Imports every model so Alembic and tests see the whole schema in one metadata."""

from core.activity import ActivityEvent
from core.db.base import Base
from core.features.accounts.models import LinkCode, LinkFailure
from core.features.faq.models import AnswerLog, StoredEntry, Suggestion
from core.features.feedback.models import (
    FeedbackComposition,
    FeedbackDraft,
    FeedbackItem,
    FeedbackVote,
)
from core.features.members.models import Identity, Member
from core.features.tickets.models import Ticket, TicketChange, TicketDraft, TicketMessage
from core.outbox import OutboxMessage

metadata = Base.metadata

__all__ = [
    "ActivityEvent",
    "AnswerLog",
    "FeedbackComposition",
    "FeedbackDraft",
    "FeedbackItem",
    "FeedbackVote",
    "Identity",
    "LinkCode",
    "LinkFailure",
    "Member",
    "OutboxMessage",
    "StoredEntry",
    "Suggestion",
    "Ticket",
    "TicketChange",
    "TicketDraft",
    "TicketMessage",
    "metadata",
]
