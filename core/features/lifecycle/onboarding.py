"""A newcomer's checklist: started by the welcome, ticked from what they do, finished once.

Finishing gives the ``[onboarding] points`` through reputation's ledger (once, whatever runs
it twice), the ``[onboarding] badge`` through the badges feature (which announces it), and a
congratulation: by DM to a member who takes unasked DMs, else where they
joined. Nudges go only by DM, to members who take unasked DMs, at most one per
``nudge_days`` entry, each naming the next task.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from datetime import datetime, timedelta

from sqlalchemy import func, insert, select
from sqlalchemy.ext.asyncio import AsyncSession

from core.activity import ActivityEvent
from core.context import Services
from core.events import Place, PlaceKind, Platform, Reply
from core.features.badges.service import BadgesService
from core.features.experiments.service import ExperimentsService
from core.features.lifecycle import marks
from core.features.lifecycle import tasks as detectors
from core.features.lifecycle.liked import LIKED
from core.features.lifecycle.models import Onboarding, OnboardingStep
from core.features.lifecycle.settings import OnboardingSettings
from core.features.recommendations.service import RecommendationsService
from core.features.reputation import ledger
from core.members import service as members
from core.members.models import Member

Progress = dict[int, dict[str, datetime]]
"""member id → task → when it was done."""


async def start(
    session: AsyncSession, member_id: int, joined: Place | None, now: datetime
) -> Onboarding:
    """The member's checklist, begun now unless it was before. Flushes."""
    row = await session.get(Onboarding, member_id)
    if row is None:
        row = Onboarding(
            member_id=member_id,
            started_at=now,
            platform=joined.platform.value if joined else "",
            chat_id=joined.chat_id if joined and not joined.is_dm else None,
            guild_id=joined.guild_id if joined else None,
        )
        session.add(row)
        await session.flush()
    return row


async def progress(
    session: AsyncSession, settings: OnboardingSettings, ids: Sequence[int], now: datetime
) -> Progress:
    """What each of ``ids`` has done: the steps written before, and any the rows now show
    (written down here, so each is noticed once)."""
    done: Progress = {member_id: {} for member_id in ids}
    for part in detectors.chunks(ids):
        for step in await session.scalars(
            select(OnboardingStep).where(OnboardingStep.member_id.in_(part))
        ):
            done[step.member_id][step.task] = step.done_at
    missing = [m for m in ids if any(t not in done[m] for t in settings.tasks)]
    if not missing:
        return done
    fresh = []
    for task, found in (await detectors.found(session, settings.tasks, missing, now)).items():
        for member_id, at in found.items():
            if task not in done[member_id]:
                done[member_id][task] = at
                fresh.append({"member_id": member_id, "task": task, "done_at": at})
    if fresh:
        await session.execute(insert(OnboardingStep), fresh)
    return done


async def mark(session: AsyncSession, member_id: int, task: str, now: datetime) -> None:
    """A task seen as it happened (a thanks that earned nothing), for a member onboarding."""
    row = await session.get(Onboarding, member_id)
    if row is None or row.finished_at is not None:
        return
    if await session.get(OnboardingStep, (member_id, task)) is None:
        session.add(OnboardingStep(member_id=member_id, task=task, done_at=now))
        await session.flush()


def checklist(settings: OnboardingSettings, done: Collection[str]) -> list[dict[str, object]]:
    return [{"task": task, "done": task in done} for task in settings.tasks]


def next_task(settings: OnboardingSettings, done: Collection[str]) -> str | None:
    return next((task for task in settings.tasks if task not in done), None)


def finished(settings: OnboardingSettings, done: Collection[str]) -> bool:
    return next_task(settings, done) is None


def joined_place(row: Onboarding) -> Place | None:
    if not row.chat_id:
        return None
    kind = PlaceKind.CHANNEL if row.guild_id else PlaceKind.GROUP
    return Place(Platform(row.platform), row.chat_id, kind, row.guild_id)


async def finish(
    services: Services, session: AsyncSession, row: Onboarding, now: datetime
) -> Reply | None:
    """Close the checklist, credit the points and queue the congratulation, once.

    Returns the congratulation when it could be queued nowhere (no unasked DMs, joined
    nowhere known): the caller shows it in place.
    """
    if row.finished_at is not None:
        return None
    row.finished_at = now
    settings = services.settings.section(OnboardingSettings)
    if settings.points:
        await ledger.credit_once(
            session,
            ledger.Credit(
                row.member_id,
                settings.points,
                "onboarding",
                now,
                source=f"onboarding:{row.member_id}",
            ),
        )
    badges = services.get(BadgesService)
    if settings.badge and badges.badge(settings.badge) is not None:
        await badges.award(session, row.member_id, settings.badge, at=now, place=joined_place(row))
    member = await session.get_one(Member, row.member_id)
    reply = Reply(
        "lifecycle/onboarded",
        {"name": member.display_name, "points": settings.points},
        locale=member.locale or member.seen_locale,
    )
    key = f"onboarded:{row.member_id}"
    if members.allows_unasked_dms(member):
        await services.notifier.to_member(session, member.id, reply, key, unsolicited=True)
        return None
    place = joined_place(row)
    if place is None:
        return reply
    await services.notifier.to_place(session, place, reply, key)
    return None


async def nudge_due(services: Services, session: AsyncSession) -> int:
    """Nudge the newcomers whose next nudge day has come; returns how many were queued.

    A nudge that falls due while the member takes no unasked DMs is skipped, not kept for
    later: a member hears at most one per ``nudge_days`` entry. Two falling due at once
    (the bot was down) make one nudge.
    """
    settings = services.settings.section(OnboardingSettings)
    days = [timedelta(days=d) for d in settings.nudge_days]
    now = services.clock.now()
    if not settings.enabled or not days:
        return 0
    rows = list(
        await session.scalars(
            select(Onboarding).where(
                Onboarding.finished_at.is_(None),
                Onboarding.nudges_sent < len(days),
                Onboarding.started_at <= now - days[0],
            )
        )
    )
    due = {row.member_id: row for row in rows if row.started_at + days[row.nudges_sent] <= now}
    done = await progress(session, settings, list(due), now)
    queued = 0
    for member_id, row in due.items():
        if finished(settings, done[member_id]):
            await finish(services, session, row, now)
            continue
        index = max(i for i, day in enumerate(days) if row.started_at + day <= now)
        row.nudges_sent = index + 1
        member = await session.get_one(Member, member_id)
        if not members.allows_unasked_dms(member):
            continue
        liked = await services.get(RecommendationsService).for_member(
            session, member_id, LIKED, locale=member.locale or member.seen_locale
        )
        reply = Reply(
            "lifecycle/nudge",
            {
                "name": member.display_name,
                "next": next_task(settings, done[member_id]),
                "tasks": checklist(settings, done[member_id]),
                "liked": liked,
            },
        )
        key = f"onboarding:nudge:{member_id}:{index}"
        chosen = await services.get(ExperimentsService).decide(
            session, member_id, "onboarding_nudge", reply, key
        )
        if chosen is not None:
            queued += await services.notifier.to_member(
                session, member_id, chosen, key, unsolicited=True
            )
    await session.flush()
    return queued


ACTIVITY_MARK = "onboarding.activity"
BATCH = 50_000


async def notice(services: Services, session: AsyncSession) -> int:
    """Tick the checklists of newcomers who did something since the last pass, and finish
    the complete ones; returns how many finished.

    Every task is something a member does, and everything they do is in the activity log,
    so only the members in the log's new rows are looked at: a pass reads what happened
    since the last one, never the whole log. The first pass starts from now.
    """
    settings = services.settings.section(OnboardingSettings)
    if not settings.enabled:
        return 0
    await services.activity.flush()
    now = services.clock.now()
    last = await marks.read(session, ACTIVITY_MARK)
    newest = await session.scalar(select(func.max(ActivityEvent.id))) or 0
    if last is None:
        last = await _before_first_open(session, newest)
    if newest <= last:
        await marks.write(session, ACTIVITY_MARK, newest)
        return 0
    upto = min(newest, last + BATCH)
    active = await session.scalars(
        select(ActivityEvent.member_id)
        .where(ActivityEvent.id > last, ActivityEvent.id <= upto)
        .distinct()
    )
    ids = [m for m in active if m is not None]
    open_rows: dict[int, Onboarding] = {}
    for part in detectors.chunks(ids):
        for row in await session.scalars(
            select(Onboarding).where(
                Onboarding.member_id.in_(part), Onboarding.finished_at.is_(None)
            )
        ):
            open_rows[row.member_id] = row
    done = await progress(session, settings, list(open_rows), now)
    finishing = [row for m, row in open_rows.items() if finished(settings, done[m])]
    for row in finishing:
        await finish(services, session, row, now)
    await marks.write(session, ACTIVITY_MARK, upto)
    return len(finishing)


async def _before_first_open(session: AsyncSession, newest: int) -> int:
    """Where the first pass starts: just before the earliest open checklist began."""
    earliest = await session.scalar(
        select(func.min(Onboarding.started_at)).where(Onboarding.finished_at.is_(None))
    )
    if earliest is None:
        return newest
    first = await session.scalar(
        select(func.min(ActivityEvent.id)).where(ActivityEvent.at >= earliest)
    )
    return newest if first is None else first - 1
