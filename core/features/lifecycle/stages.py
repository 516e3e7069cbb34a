"""Every member's stage, decided once a day from the days they were active.

A stage row keeps the member's recent active days as a bitmask (``MemberStage``), so a day's
pass reads that day's activity rows and the stage rows, never the whole log: the first pass
(``bootstrap``) reads the last ``window`` days once, then each day adds one. A pass over a day
decides each member's stage at that day's end, writes what changed and records each change
once (member, from, to, when); the day is marked done in the same transaction, so a pass run
twice or after a restart records nothing twice.
"""

from __future__ import annotations

import typing
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from enum import StrEnum

from sqlalchemy import (
    BigInteger,
    ColumnElement,
    Date,
    Integer,
    Table,
    bindparam,
    cast,
    distinct,
    func,
    insert,
    literal,
    select,
    type_coerce,
    update,
)
from sqlalchemy.ext.asyncio import AsyncSession

from core.activity import ActivityEvent
from core.features.lifecycle import marks
from core.features.lifecycle import tasks as detectors
from core.features.lifecycle.models import MemberStage, OnboardingStep, StageChange
from core.features.lifecycle.settings import BITS, LifecycleSettings
from core.members.models import Member


class Stage(StrEnum):
    NEW = "new"
    ACTIVATED = "activated"
    ENGAGED = "engaged"
    AT_RISK = "at-risk"
    LAPSED = "lapsed"
    WON_BACK = "won-back"
    CHURNED = "churned"


AWAY = (Stage.LAPSED.value, Stage.CHURNED.value)
SETTLED = (Stage.ACTIVATED.value, Stage.ENGAGED.value, Stage.AT_RISK.value)
DAY_MARK = "stages.day"
ALL_DAYS = (1 << BITS) - 1


def ones(bits: int, width: int) -> int:
    return (bits & ((1 << width) - 1)).bit_count()


def moved(bits: int, bits_day: int, day: int) -> int:
    """The active days as seen from ``day``: bit 0 becomes ``day``."""
    gap = day - bits_day
    return 0 if gap >= BITS else (bits << gap) & ALL_DAYS


def stage_on(
    settings: LifecycleSettings,
    day: int,
    prior: str | None,
    last_active_day: int,
    bits: int,
    activated: bool,
) -> str:
    """The stage at the end of ``day``; ``bits`` are the active days as seen from it."""
    idle = day - last_active_day
    if idle >= settings.churned_days:
        return Stage.CHURNED.value
    if idle >= settings.lapsed_days:
        return Stage.LAPSED.value
    engaged = ones(bits, settings.engaged_window_days) >= settings.engaged_active_days
    if prior in AWAY or (prior == Stage.WON_BACK.value and not engaged):
        # Their days before the lapse would make any return look like a decline.
        return Stage.WON_BACK.value
    window, baseline = settings.at_risk_window_days, settings.at_risk_baseline_days
    recent, before = ones(bits, window), ones(bits >> window, baseline)
    if before and recent / window < settings.at_risk_ratio * before / baseline:
        return Stage.AT_RISK.value
    if engaged:
        return Stage.ENGAGED.value
    if activated or prior in SETTLED:
        return Stage.ACTIVATED.value
    return Stage.NEW.value


@dataclass
class Track:
    """One member's stage row as the pass works on it."""

    member_id: int
    stage: str | None
    joined_day: int
    last_active_day: int
    bits_day: int
    active_bits: int
    changed: bool = False

    def as_row(self) -> dict[str, object]:
        return {
            "member_id": self.member_id,
            "stage": self.stage,
            "joined_day": self.joined_day,
            "last_active_day": self.last_active_day,
            "bits_day": self.bits_day,
            "active_bits": self.active_bits,
        }


def day_start(day: int) -> datetime:
    return datetime.combine(date.fromordinal(day), time(), UTC)


def day_of(at: datetime) -> int:
    return at.astimezone(UTC).date().toordinal()


async def activated(
    session: AsyncSession, settings: LifecycleSettings, tracks: Sequence[Track]
) -> set[int]:
    """Who did ``activated_tasks`` onboarding tasks, or asked a question the bot answered,
    within ``activated_within_days`` of joining."""
    within = timedelta(days=settings.activated_within_days)
    deadline = {t.member_id: day_start(t.joined_day) + within for t in tracks}
    ids = list(deadline)
    done: dict[int, int] = {}
    for part in detectors.chunks(ids):
        for member_id, at in await session.execute(
            select(OnboardingStep.member_id, OnboardingStep.done_at).where(
                OnboardingStep.member_id.in_(part)
            )
        ):
            done[member_id] = done.get(member_id, 0) + (at < deadline[member_id])
    answered = await detectors.answered_question(session, ids)
    return {
        m
        for m in ids
        if done.get(m, 0) >= settings.activated_tasks
        or (m in answered and answered[m] < deadline[m])
    }


async def decide(
    session: AsyncSession, settings: LifecycleSettings, day: int, tracks: Sequence[Track]
) -> list[dict[str, object]]:
    """Set each track's stage at the end of ``day``; returns the changes to record."""
    young = [
        t
        for t in tracks
        if t.stage in (None, Stage.NEW.value)
        and day - t.joined_day <= settings.activated_within_days
    ]
    ready = await activated(session, settings, young) if young else set()
    at = day_start(day + 1)
    changes: list[dict[str, object]] = []
    for track in tracks:
        bits = moved(track.active_bits, track.bits_day, day)
        stage = stage_on(
            settings, day, track.stage, track.last_active_day, bits, track.member_id in ready
        )
        if stage != track.stage:
            changes.append(
                {
                    "member_id": track.member_id,
                    "from_stage": track.stage,
                    "to_stage": stage,
                    "at": at,
                }
            )
            track.stage = stage
            track.changed = True
    return changes


async def _active_on(session: AsyncSession, day: int) -> set[int]:
    rows = await session.scalars(
        select(ActivityEvent.member_id)
        .where(ActivityEvent.at >= day_start(day), ActivityEvent.at < day_start(day + 1))
        .distinct()
    )
    return {m for m in rows if m is not None}


async def _tracks(session: AsyncSession, active: set[int]) -> dict[int, Track]:
    """The stage rows a day can change: everyone not churned, and the churned who came back."""
    columns = (
        MemberStage.member_id,
        MemberStage.stage,
        MemberStage.joined_day,
        MemberStage.last_active_day,
        MemberStage.bits_day,
        MemberStage.active_bits,
    )
    found = {
        row[0]: Track(*row)
        for row in await session.execute(
            select(*columns).where(MemberStage.stage != Stage.CHURNED.value)
        )
    }
    back = [m for m in active if m not in found]
    for part in detectors.chunks(back):
        for row in await session.execute(select(*columns).where(MemberStage.member_id.in_(part))):
            found[row[0]] = Track(*row)
    return found


STAGES = typing.cast(Table, MemberStage.__table__)
CHANGES = typing.cast(Table, StageChange.__table__)
UPDATE = (
    update(STAGES)
    .where(STAGES.c.member_id == bindparam("id"))
    .values(
        stage=bindparam("stage"),
        last_active_day=bindparam("last_active_day"),
        bits_day=bindparam("bits_day"),
        active_bits=bindparam("active_bits"),
    )
)
"""One statement run for many rows: Core's executemany, not an ORM object per member."""


async def _save(
    session: AsyncSession,
    tracks: Sequence[Track],
    fresh: set[int],
    changes: list[dict[str, object]],
    day: int,
) -> None:
    since = day_start(day + 1)
    rows = [{**t.as_row(), "since": since} for t in tracks if t.member_id in fresh]
    if rows:
        await session.execute(insert(STAGES), rows)
    kept = [t.as_row() for t in tracks if t.changed and t.member_id not in fresh]
    if kept:
        await session.execute(UPDATE, [{**row, "id": row["member_id"]} for row in kept])
    moved_stage = [{"id": c["member_id"], "since": since} for c in changes]
    if moved_stage:
        await session.execute(
            update(STAGES)
            .where(STAGES.c.member_id == bindparam("id"))
            .values(since=bindparam("since")),
            moved_stage,
        )
    if changes:
        await session.execute(insert(CHANGES), changes)


async def sweep_day(session: AsyncSession, settings: LifecycleSettings, day: int) -> int:
    """One day's pass: its activity rows, then every stage that day could change."""
    active = await _active_on(session, day)
    tracks = await _tracks(session, active)
    newcomers = [m for m in active if m not in tracks]
    for part in detectors.chunks(newcomers):
        for member_id, created_at in await session.execute(
            select(Member.id, Member.created_at).where(Member.id.in_(part))
        ):
            joined = min(day_of(created_at), day)
            tracks[member_id] = Track(member_id, None, joined, day, day, 0)
    for member_id in active:
        track = tracks[member_id]
        track.active_bits = moved(track.active_bits, track.bits_day, day) | 1
        track.bits_day = track.last_active_day = day
        track.changed = True
    changes = await decide(session, settings, day, list(tracks.values()))
    await _save(session, list(tracks.values()), set(newcomers), changes, day)
    return len(changes)


async def bootstrap(session: AsyncSession, settings: LifecycleSettings, day: int) -> int:
    """The first pass: every member's stage at the end of ``day`` from the last ``window``
    days of the log, read once, each placement recorded as a change from no stage. Members
    seen last before that are placed by their last seen day; members older than the
    activation window count as activated (they were here before onboarding was)."""
    first = day - settings.window + 1
    bits: dict[int, int] = {
        member_id: int(mask)
        for member_id, mask in await session.execute(
            select(ActivityEvent.member_id, func.sum(distinct(_day_bit(session, day))))
            .where(ActivityEvent.at >= day_start(first), ActivityEvent.at < day_start(day + 1))
            .group_by(ActivityEvent.member_id)
        )
        if member_id is not None
    }
    tracks = []
    for member_id, created_at, last_seen_at in await session.execute(
        select(Member.id, Member.created_at, Member.last_seen_at).where(
            Member.created_at < day_start(day + 1)
        )
    ):
        mine = bits.get(member_id, 0)
        last = (
            day - (mine & -mine).bit_length() + 1 if mine else min(day_of(last_seen_at), first - 1)
        )
        tracks.append(Track(member_id, None, min(day_of(created_at), day), last, day, mine))
    young = {t.member_id for t in tracks if day - t.joined_day <= settings.activated_within_days}
    for track in tracks:
        if track.member_id not in young:
            track.stage = Stage.ACTIVATED.value
    await decide(session, settings, day, tracks)
    at = day_start(day + 1)
    placed: list[dict[str, object]] = [
        {"member_id": t.member_id, "from_stage": None, "to_stage": t.stage, "at": at}
        for t in tracks
    ]
    await _save(session, tracks, {t.member_id for t in tracks}, placed, day)
    return len(placed)


JULIAN_DAY_OF_ORDINAL_0 = 1721424
"""SQLite's julianday() of a date, truncated, less this, is Python's ``date.toordinal()``."""


def _day_bit(session: AsyncSession, day: int) -> ColumnElement[int]:
    """An activity row's bit in the mask as seen from ``day``, computed by the database so
    the first pass reads one row per member rather than one per active day (the sum of
    distinct bits is their OR)."""
    if session.get_bind().dialect.name == "sqlite":
        # SQLite keeps the time as text that starts with the date.
        row_day = (
            cast(func.julianday(func.substr(ActivityEvent.at, 1, 10)), Integer)
            - JULIAN_DAY_OF_ORDINAL_0
        )
        gap = literal(day) - row_day
    else:
        # PostgreSQL: a date less a date is a number of days.
        gap = type_coerce(
            literal(date.fromordinal(day), Date) - cast(ActivityEvent.at, Date), Integer
        )
    return literal(1, BigInteger).op("<<")(gap)


async def sweep(session: AsyncSession, settings: LifecycleSettings, now: datetime) -> int:
    """Every whole day not yet decided, oldest first; returns how many changes were recorded."""
    yesterday = day_of(now) - 1
    last = await marks.read(session, DAY_MARK)
    recorded = 0
    if last is None:
        recorded += await bootstrap(session, settings, yesterday)
        last = yesterday
    for day in range(last + 1, yesterday + 1):
        recorded += await sweep_day(session, settings, day)
    await marks.write(session, DAY_MARK, max(last, yesterday))
    return recorded
