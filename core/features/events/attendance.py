"""Who came, and how it was: "📍 I'm here" or a check-in code, attendance points through the
reputation ledger, and one survey DM to attendees after the end."""

from __future__ import annotations

import csv
import io
from datetime import timedelta
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from core.clock import as_utc
from core.context import Context, Services
from core.events import Attachment, Button, Reply, Visibility
from core.features.events import cards, service
from core.features.events.handlers import may_organise
from core.features.events.models import Event, Rsvp
from core.features.events.rsvp import EVENT_ARG, member_view
from core.features.events.service import Answer
from core.features.events.settings import EventsSettings
from core.features.events.views import view
from core.features.reputation import ledger
from core.members.models import Member
from core.registry import ArgSpec, ArgType, Registry
from core.spreadsheet import safe_cell

registry = Registry("events")
RATE_ACTION = "ev.rate"
SCORES = range(1, 6)
SURVEY_WITHIN = timedelta(days=7)


def _private(template: str, **context: object) -> Reply:
    return Reply(f"events/{template}", context, visibility=Visibility.PRIVATE)


async def attended(session: AsyncSession, member_id: int) -> int:
    """The member's ``events_attended``: events they checked in at."""
    count = await session.scalar(
        select(func.count()).where(Rsvp.member_id == member_id, Rsvp.checked_in_at.is_not(None))
    )
    return int(count or 0)


async def _check_in(ctx: Context, event: Event | None, ref: str, code: str | None) -> Reply:
    settings = ctx.services.settings.section(EventsSettings)
    if event is None:
        return _private("unavailable", problem="missing", ref=ref)
    if not cards.checkin_open(event, ctx.now, settings.checkin_before_minutes):
        return _private("checkin", outcome="not_now", event=view(event), count=0)
    if event.checkin_code and (code or "").strip().lower() != event.checkin_code.lower():
        return _private("checkin", outcome="code", event=view(event), count=0)
    rsvp = await service.rsvp_of(ctx.session, event.id, ctx.member.id)
    if rsvp is None or rsvp.status != Answer.GOING.value:
        return _private("checkin", outcome="not_going", event=view(event), count=0)
    if rsvp.checked_in_at is None:
        rsvp.checked_in_at = ctx.now
        await ctx.session.flush()
        await ledger.credit_once(
            ctx.session,
            ledger.Credit(
                member_id=ctx.member.id,
                points=settings.attendance_points,
                reason="event",
                at=ctx.now,
                source=f"event:{event.id}:attended:{ctx.member.id}",
            ),
        )
    count = await attended(ctx.session, ctx.member.id)
    return _private("checkin", outcome="done", event=view(event), count=count)


@registry.action(cards.HERE_ACTION)
async def here(ctx: Context, arg: str) -> Reply:
    return await _check_in(ctx, await service.find(ctx.session, arg), arg, None)


@registry.command("event checkin", EVENT_ARG, ArgSpec("code", required=False))
async def checkin(ctx: Context, event: str, code: str = "") -> Reply:
    """Check in at an event that is on now (with the code the organiser gave, if any)."""
    return await _check_in(ctx, await service.find(ctx.session, event), event, code)


@registry.command("event code", EVENT_ARG, ArgSpec("code"))
async def set_code(ctx: Context, event: str, code: str) -> Reply:
    """Require a code to check in (for meetups in person): /event code E-1 TULIP."""
    found = await service.find(ctx.session, event)
    if found is None:
        return _private("unavailable", problem="missing", ref=event)
    if not may_organise(ctx, found):
        return _private("not_organiser", own=True, ref=found.ref)
    found.checkin_code = code[:32]
    return _private("code_set", event=view(found), code=found.checkin_code)


async def send_surveys(session: AsyncSession, services: Services) -> int:
    """One "How was it?" DM to each attendee of each event that ended in the last week."""
    now = services.clock.now()
    ended = list(
        await session.scalars(
            select(Event).where(
                Event.cancelled_at.is_(None),
                Event.survey_sent_at.is_(None),
                Event.ends_at <= now,
                Event.ends_at > now - SURVEY_WITHIN,
            )
        )
    )
    queued = 0
    for event in ended:
        event.survey_sent_at = now
        attendees = await session.scalars(
            select(Rsvp.member_id).where(Rsvp.event_id == event.id, Rsvp.checked_in_at.is_not(None))
        )
        for member_id in attendees:
            reply = Reply(
                "events/survey",
                {"event": await member_view(session, event, member_id)},
                buttons=tuple(
                    Button(RATE_ACTION, f"{event.id}:{score}", label=str(score)) for score in SCORES
                ),
            )
            queued += await services.notifier.to_member(
                session, member_id, reply, f"event:{event.id}:survey:{member_id}"
            )
    return queued


async def _attendee(ctx: Context, ref: str) -> tuple[Event, Rsvp] | Reply:
    event = await service.find(ctx.session, ref)
    if event is None:
        return _private("unavailable", problem="missing", ref=ref)
    rsvp = await service.rsvp_of(ctx.session, event.id, ctx.member.id)
    if rsvp is None or rsvp.checked_in_at is None:
        return _private("rated", outcome="not_attendee", event=view(event), score=0)
    return event, rsvp


@registry.action(RATE_ACTION)
async def rate(ctx: Context, arg: str) -> Reply:
    ref, _, score = arg.partition(":")
    found = await _attendee(ctx, ref)
    if isinstance(found, Reply):
        return found
    event, rsvp = found
    if not score.isdigit() or int(score) not in SCORES:
        return Reply("core/stale_button", visibility=Visibility.PRIVATE)
    rsvp.survey_score = int(score)
    return _private("rated", outcome="scored", event=view(event), score=rsvp.survey_score)


@registry.command("event comment", EVENT_ARG, ArgSpec("text", ArgType.TEXT))
async def comment(ctx: Context, event: str, text: str) -> Reply:
    """Add a comment to your rating of an event you attended."""
    found = await _attendee(ctx, event)
    if isinstance(found, Reply):
        return found
    attended_event, rsvp = found
    rsvp.survey_comment = text[:1000]
    return _private("rated", outcome="commented", event=view(attended_event), score=0)


async def survey_figures(session: AsyncSession, event: Event, now: Any) -> dict[str, Any]:
    """What the organiser sees in /event show: attendees, no-shows, the average and comments."""
    rows = list(await session.scalars(select(Rsvp).where(Rsvp.event_id == event.id)))
    came = [r for r in rows if r.checked_in_at is not None]
    scores = [r.survey_score for r in came if r.survey_score is not None]
    over = now >= as_utc(event.ends_at)
    return {
        "attended": len(came),
        "no_shows": sum(
            1 for r in rows if r.status == Answer.GOING.value and r.checked_in_at is None
        )
        if over
        else None,
        "average": round(sum(scores) / len(scores), 1) if scores else None,
        "answers": len(scores),
        "comments": [r.survey_comment for r in came if r.survey_comment],
    }


ATTENDEE_COLUMNS = ("member", "answer", "answered_at", "checked_in_at", "rating", "comment")


def attendees_csv(rows: list[tuple[str, Rsvp]]) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(ATTENDEE_COLUMNS)
    for name, rsvp in rows:
        values = (
            name,
            rsvp.status,
            rsvp.answered_at,
            rsvp.checked_in_at,
            rsvp.survey_score,
            rsvp.survey_comment,
        )
        writer.writerow([safe_cell(value) for value in values])
    return out.getvalue()


@registry.command("event attendees", EVENT_ARG)
async def attendees(ctx: Context, event: str) -> Reply:
    """Who answered what, who checked in, and their ratings, with a CSV file."""
    found = await service.find(ctx.session, event)
    if found is None:
        return _private("unavailable", problem="missing", ref=event)
    if not may_organise(ctx, found):
        return _private("not_organiser", own=True, ref=found.ref)
    rows = [
        (name, rsvp)
        for rsvp, name in (
            await ctx.session.execute(
                select(Rsvp, Member.display_name)
                .join(Member, Member.id == Rsvp.member_id)
                .where(Rsvp.event_id == found.id)
                .order_by(Rsvp.status, Rsvp.queued_at, Rsvp.id)
            )
        ).all()
    ]
    listed = [
        {"name": name, "status": rsvp.status, "here": rsvp.checked_in_at is not None}
        for name, rsvp in rows
    ]
    return Reply(
        "events/attendees",
        {"event": view(found), "rows": listed},
        attachments=(
            Attachment(f"{found.ref}-attendees.csv", attendees_csv(rows).encode(), "text/csv"),
        ),
        visibility=Visibility.PRIVATE,
    )
