"""Where a feedback item stands, and the moves moderators may make."""

from __future__ import annotations

from enum import StrEnum


class Status(StrEnum):
    NEW = "new"
    IN_REVIEW = "in_review"
    PLANNED = "planned"
    IN_PROGRESS = "in_progress"
    COMPLETED = "completed"
    DECLINED = "declined"


OPEN = (Status.NEW, Status.IN_REVIEW, Status.PLANNED, Status.IN_PROGRESS)
"""Items members can still vote for and new submissions are compared with."""

MOVES: dict[Status, tuple[Status, ...]] = {
    Status.NEW: (
        Status.IN_REVIEW,
        Status.PLANNED,
        Status.IN_PROGRESS,
        Status.COMPLETED,
        Status.DECLINED,
    ),
    Status.IN_REVIEW: (Status.PLANNED, Status.IN_PROGRESS, Status.COMPLETED, Status.DECLINED),
    Status.PLANNED: (Status.IN_PROGRESS, Status.COMPLETED, Status.DECLINED),
    Status.IN_PROGRESS: (Status.COMPLETED, Status.DECLINED),
    Status.COMPLETED: (),
    Status.DECLINED: (),
}
"""Forward, skipping steps when the team moves fast (a bug fixed the day it was reported goes
straight to completed), or declined. Never back, so nobody hears "planned" after "in
progress"; completed and declined are final."""

SETTABLE = tuple(s.value for s in Status if s is not Status.NEW)
