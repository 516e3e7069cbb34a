"""Each member's figures over a window, read from the analytics rollups and the features'
own tables: who was active when and through which features (rollups), questions asked
(FAQ), points and solutions (reputation), events attended (events)."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any

import numpy as np
from numpy.typing import NDArray
from sqlalchemy import distinct, func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from core.features.analytics.models import MemberDay, MemberStart
from core.features.events.models import Rsvp
from core.features.events.service import Answer
from core.features.faq.models import AnswerLog
from core.features.reputation.models import RepEntry
from core.features.segments.clusters import COLUMNS, Floats


async def figures(
    session: AsyncSession, first: int, last: int, start: datetime, end: datetime
) -> tuple[NDArray[np.int64], Floats]:
    """Member ids and their ``COLUMNS`` for days ``first``..``last`` (``start``..``end`` as
    moments). Every member who had joined by ``last`` is in, active or not."""
    members = list(
        await session.scalars(
            select(MemberStart.member_id)
            .distinct()
            .where(func.coalesce(MemberStart.joined_day, MemberStart.first_active_day) <= last)
        )
    )
    index = {member_id: i for i, member_id in enumerate(sorted(members))}
    values = np.zeros((len(index), len(COLUMNS)), dtype=np.float64)
    values[:, COLUMNS.index("recency_days")] = last - first + 1

    def put(name: str, rows: Iterable[Any]) -> None:
        """Rows of (member id, value)."""
        for member_id, value in rows:
            if member_id in index:
                values[index[member_id], COLUMNS.index(name)] = value or 0

    days = (
        await session.execute(
            select(
                MemberDay.member_id,
                func.count(distinct(MemberDay.day)),
                func.max(MemberDay.day),
                func.count(distinct(MemberDay.feature)),
                func.sum(MemberDay.messages),
            )
            .where(MemberDay.day >= first, MemberDay.day <= last)
            .group_by(MemberDay.member_id)
        )
    ).all()
    put("active_days", ((m, n) for m, n, _, _, _ in days))
    put("recency_days", ((m, last - latest) for m, _, latest, _, _ in days))
    put("features", ((m, n) for m, _, _, n, _ in days))
    put("messages", ((m, n) for m, _, _, _, n in days))
    put(
        "questions",
        await session.execute(
            select(AnswerLog.member_id, func.count())
            .where(
                AnswerLog.parent_id.is_(None),
                AnswerLog.asked_at >= start,
                AnswerLog.asked_at < end,
            )
            .group_by(AnswerLog.member_id)
        ),
    )
    in_window = (RepEntry.at >= start, RepEntry.at < end)
    put(
        "points",
        await session.execute(
            select(RepEntry.member_id, func.sum(RepEntry.points))
            .where(*in_window)
            .group_by(RepEntry.member_id)
        ),
    )
    put(
        "solutions",
        await session.execute(
            select(RepEntry.member_id, func.count())
            .where(*in_window, RepEntry.reason == "solution")
            .group_by(RepEntry.member_id)
        ),
    )
    put(
        "events",
        await session.execute(
            select(Rsvp.member_id, func.count())
            .where(
                or_(Rsvp.checked_in_at.is_not(None), Rsvp.status == Answer.GOING.value),
                Rsvp.answered_at >= start,
                Rsvp.answered_at < end,
            )
            .group_by(Rsvp.member_id)
        ),
    )
    return np.array(sorted(index), dtype=np.int64), values
