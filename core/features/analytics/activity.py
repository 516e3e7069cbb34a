"""Who was active when, from the rollups: DAU, WAU, MAU, new members, churn, retention
cohorts, activation and the funnel, per platform and for everyone together.

A linked member is one member (merges fold their rows), so "together" counts them once.
Definitions, each in days of the community's zone:

- active on a day: wrote a message, used a command or pressed a button;
- DAU / WAU / MAU of a day: distinct members active that day / in the 7 / 30 days ending it;
- a member joins on the day of their (first) join event, else of their first activity; on
  several platforms, on the earliest of those days;
- dN retention of a cohort: the share of the members who joined that day who were active on
  exactly day N after; unknown (None) while that day is after the window's end or not over;
- churned on a day: active 30 days before and not since (30 days of silence end that day);
- activated: active within 7 days of joining (the join day and the 6 after);
- the funnel follows the window's new members: joined, wrote a message, had a question
  answered, finished onboarding, active in their second week (days 7 to 13 after joining),
  each step counting only members who also passed the steps before it; a step whose
  feature is not installed is left out.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date

import numpy as np
from numpy.typing import NDArray
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from core.features.analytics.models import BLOCK_DAYS, MemberStart, Presence

ALL = "all"
"""The platform name of the figures for every platform together."""
RETENTION_DAYS = (1, 7, 30)
WEEK, MONTH = 7, 30
ACTIVATION_DAYS = 7
SECOND_WEEK = (7, 13)
FUNNEL = ("joined", "first_message", "question_answered", "onboarding_done", "active_week_2")
"""Every step there can be; a milestone no installed feature tells is left out."""

Matrix = NDArray[np.bool_]


@dataclass(frozen=True)
class Cohort:
    """Members who joined on ``day`` and the share of them active 1, 7 and 30 days later."""

    day: date
    size: int
    d1: float | None
    d7: float | None
    d30: float | None

    def share(self, n: int) -> float | None:
        return {1: self.d1, 7: self.d7, 30: self.d30}[n]


@dataclass(frozen=True)
class FunnelStep:
    name: str
    """One of ``FUNNEL``."""
    members: int
    kept: float | None
    """Share of the step before it (None for the first step or after an empty one)."""


@dataclass(frozen=True)
class PlatformActivity:
    """The activity figures of one platform, or of all together (``platform == "all"``),
    for each day of a window."""

    platform: str
    days: tuple[date, ...]
    dau: dict[date, int]
    wau: dict[date, int]
    mau: dict[date, int]
    new_members: dict[date, int]
    churned: dict[date, int]
    cohorts: tuple[Cohort, ...]
    activated: int
    """New members of the window active within 7 days of joining."""
    funnel: tuple[FunnelStep, ...]

    @property
    def activation_rate(self) -> float | None:
        joined = sum(self.new_members.values())
        return self.activated / joined if joined else None

    @property
    def stickiness(self) -> dict[date, float | None]:
        """DAU / MAU of each day."""
        return {d: self.dau[d] / self.mau[d] if self.mau[d] else None for d in self.days}

    def retention(self, n: int) -> float | None:
        """dN over the window's cohorts whose day N is known, weighted by their size."""
        known = [(c.size, c.share(n)) for c in self.cohorts if c.share(n) is not None]
        size = sum(s for s, _ in known)
        return sum(s * (share or 0.0) for s, share in known) / size if size else None


@dataclass
class Loaded:
    """Rollup rows as arrays: member index per row, the day numbers of the window."""

    ids: NDArray[np.int64]
    first: int
    """Day number of column 0 of every matrix."""
    active: dict[str, Matrix]
    joined: dict[str, NDArray[np.int64]]
    """Join day per member (a large number when none)."""
    first_message: dict[str, NDArray[np.int64]]
    cumulative: dict[str, NDArray[np.int32]] = field(default_factory=dict)
    """Per platform, active days counted up to each column (column 0: none): computed once
    for all the windows read from one load."""

    def counts(self, platform: str, matrix: Matrix) -> NDArray[np.int32]:
        found = self.cumulative.get(platform)
        if found is None:
            found = np.zeros((matrix.shape[0], matrix.shape[1] + 1), np.int32)
            np.cumsum(matrix, axis=1, out=found[:, 1:])
            if platform in self.active:
                self.cumulative[platform] = found
        return found


NEVER = np.iinfo(np.int64).max // 2


async def load(session: AsyncSession, first: int, last: int) -> Loaded:
    """Presence from day ``first`` to ``last`` and every member's start, per platform."""
    starts = (
        await session.execute(
            select(
                MemberStart.member_id,
                MemberStart.platform,
                MemberStart.joined_day,
                MemberStart.first_active_day,
                MemberStart.first_message_day,
            )
        )
    ).all()
    presence = (
        await session.execute(
            select(Presence.member_id, Presence.platform, Presence.block, Presence.days).where(
                Presence.block >= first // BLOCK_DAYS, Presence.block <= last // BLOCK_DAYS
            )
        )
    ).all()
    ids = np.unique(np.fromiter((row[0] for row in starts), np.int64, len(starts)))
    index = np.searchsorted(ids, np.fromiter((row[0] for row in starts), np.int64, len(starts)))
    on = np.array([row[1] for row in starts], dtype=object)
    join_day = _days(row[2] if row[2] is not None else row[3] for row in starts)
    message_day = _days(row[4] for row in starts)
    platforms = sorted(set(on.tolist()))
    width = last - first + 1
    joined: dict[str, NDArray[np.int64]] = {}
    first_message: dict[str, NDArray[np.int64]] = {}
    for platform in platforms:
        mine = on == platform
        joined[platform] = np.full(len(ids), NEVER, np.int64)
        joined[platform][index[mine]] = join_day[mine]
        first_message[platform] = np.full(len(ids), NEVER, np.int64)
        first_message[platform][index[mine]] = message_day[mine]
    empty = np.full(len(ids), NEVER, np.int64)
    joined[ALL] = np.minimum.reduce([empty, *joined.values()])
    first_message[ALL] = np.minimum.reduce([empty, *first_message.values()])
    active = {p: np.zeros((len(ids), width), np.bool_) for p in platforms}
    offsets = np.arange(BLOCK_DAYS, dtype=np.uint64)
    for platform in platforms:
        rows = [r for r in presence if r[1] == platform]
        if not rows:
            continue
        members = np.searchsorted(ids, np.fromiter((r[0] for r in rows), np.int64, len(rows)))
        blocks = np.fromiter((r[2] for r in rows), np.int64, len(rows))
        bits = np.fromiter((r[3] for r in rows), np.uint64, len(rows))
        flags = ((bits[:, None] >> offsets) & np.uint64(1)).astype(np.bool_)
        days = blocks[:, None] * BLOCK_DAYS + np.arange(BLOCK_DAYS) - first
        inside = (days >= 0) & (days < width)
        rows_at = np.broadcast_to(members[:, None], days.shape)
        active[platform][rows_at[inside], days[inside]] = flags[inside]
    together = np.zeros((len(ids), width), np.bool_)
    for matrix in active.values():
        together |= matrix
    active[ALL] = together
    return Loaded(ids, first, active, joined, first_message)


def _days(values: Iterable[int | None]) -> NDArray[np.int64]:
    return np.array([NEVER if v is None else v for v in values], dtype=np.int64)


def figures(
    members: Loaded,
    platform: str,
    start: int,
    end: int,
    today: int,
    milestones: Mapping[str, Collection[int]] | None = None,
) -> PlatformActivity:
    """The window ``start``..``end`` (day numbers, both included); ``today`` is not over.
    ``milestones``: for funnel steps other features tell ("question_answered",
    "onboarding_done"), the ids of members who reached them by the end of the window."""
    matrix = members.active.get(platform)
    if matrix is None:
        matrix = np.zeros((len(members.ids), end - members.first + 1), np.bool_)
    nobody = np.full(len(members.ids), NEVER, np.int64)
    joined = members.joined.get(platform, nobody)
    first_message = members.first_message.get(platform, nobody)
    counts = members.counts(platform, matrix)
    window = range(start, end + 1)
    days = tuple(date.fromordinal(d) for d in window)

    def col(day: int) -> int:
        return day - members.first

    def distinct(day: int, span: int) -> int:
        upto, since = col(day) + 1, max(col(day) + 1 - span, 0)
        return int(np.count_nonzero(counts[:, upto] - counts[:, since]))

    def churned(day: int) -> int:
        then = col(day) - MONTH
        if then < 0:
            return 0
        silent = counts[:, col(day) + 1] - counts[:, then + 1] == 0
        return int(np.count_nonzero(matrix[:, then] & silent))

    cohorts = []
    for day in window:
        who = np.flatnonzero(joined == day)
        if not len(who):
            continue
        shares = [
            float(np.count_nonzero(matrix[who, col(day + n)])) / len(who)
            if day + n <= end and day + n < today
            else None
            for n in RETENTION_DAYS
        ]
        cohorts.append(Cohort(date.fromordinal(day), len(who), *shares))
    new = np.flatnonzero((joined >= start) & (joined <= end))
    activated = _active_between(matrix, counts, joined, new, 0, ACTIVATION_DAYS - 1, members, end)
    return PlatformActivity(
        platform=platform,
        days=days,
        dau={
            d: int(np.count_nonzero(matrix[:, col(n)])) for d, n in zip(days, window, strict=True)
        },
        wau={d: distinct(n, WEEK) for d, n in zip(days, window, strict=True)},
        mau={d: distinct(n, MONTH) for d, n in zip(days, window, strict=True)},
        new_members={
            d: int(np.count_nonzero(joined == n)) for d, n in zip(days, window, strict=True)
        },
        churned={d: churned(n) for d, n in zip(days, window, strict=True)},
        cohorts=tuple(cohorts),
        activated=int(np.count_nonzero(activated)),
        funnel=_funnel(members, matrix, counts, joined, first_message, new, end, milestones or {}),
    )


def _active_between(
    matrix: Matrix,
    counts: NDArray[np.int32],
    joined: NDArray[np.int64],
    who: NDArray[np.intp],
    since: int,
    until: int,
    members: Loaded,
    end: int,
) -> NDArray[np.bool_]:
    """For each of ``who``: active from ``since`` to ``until`` days after joining (within
    the window's data)."""
    if not len(who):
        return np.zeros(0, np.bool_)
    low = np.clip(joined[who] + since - members.first, 0, matrix.shape[1])
    high = np.clip(joined[who] + until - members.first + 1, 0, end - members.first + 1)
    high = np.maximum(high, low)
    return np.asarray(counts[who, high] - counts[who, low] > 0)


def _funnel(
    members: Loaded,
    matrix: Matrix,
    counts: NDArray[np.int32],
    joined: NDArray[np.int64],
    first_message: NDArray[np.int64],
    new: NDArray[np.intp],
    end: int,
    milestones: Mapping[str, Collection[int]],
) -> tuple[FunnelStep, ...]:
    ids = members.ids[new]
    still = first_message[new] <= end
    reached = {"joined": len(new), "first_message": int(np.count_nonzero(still))}
    for name in FUNNEL[2:-1]:
        if name in milestones:
            done = milestones[name]
            still = still & np.isin(ids, np.fromiter(done, np.int64, len(done)))
            reached[name] = int(np.count_nonzero(still))
    still = still & _active_between(
        matrix, counts, joined, new, SECOND_WEEK[0], SECOND_WEEK[1], members, end
    )
    reached[FUNNEL[-1]] = int(np.count_nonzero(still))
    steps: list[FunnelStep] = []
    for name, count in reached.items():
        before = steps[-1].members if steps else 0
        steps.append(FunnelStep(name, count, count / before if steps and before else None))
    return tuple(steps)
