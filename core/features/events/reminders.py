"""Reminders before an event, each sent once to each member who answered Going (and Maybe
with ``remind_maybe``), in their language and time zone, in the words of their arm of an
``event_reminder`` experiment (a held-out member gets none).

A pass queues what is due and not yet marked done, in the sweeper's one transaction: the
outbox rows (under keys that name the event, the reminder, the start and the member) and the
run's done mark are committed together. A process killed anywhere in a pass leaves nothing,
and the next pass queues the lot; killed after the commit, the next pass finds it done.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from core.clock import as_utc
from core.context import Services
from core.events import Attachment, OutgoingMessage, Platform, Reply, Visibility
from core.features.events import calendar, service
from core.features.events.models import Event, EventReminder
from core.features.events.service import Answer
from core.features.events.settings import EventsSettings
from core.features.events.views import view
from core.features.experiments.service import ExperimentsService
from core.members.models import Member
from core.members.service import dm_identity
from core.notifier import QUEUED
from core.outbox import enqueue_many

BATCH = 500
_UNITS = {"m": timedelta(minutes=1), "h": timedelta(hours=1), "d": timedelta(days=1)}


def offset(label: str) -> timedelta:
    """``24h`` → 24 hours; labels are checked by the settings (digits and m, h or d)."""
    return int(label[:-1]) * _UNITS[label[-1]]


def due_labels(event: Event, labels: Sequence[str], now: datetime) -> list[str]:
    """Reminders whose time has come before the start. One whose time had passed when the
    event was created (or moved) is skipped: nobody needs "tomorrow" an hour before."""
    start = as_utc(event.starts_at)
    return [
        label
        for label in labels
        if start - offset(label) <= now < start and as_utc(event.created_at) < start - offset(label)
    ]


def key(event: Event, label: str, member_id: int) -> str:
    return f"event:{event.id}:remind:{label}:{int(as_utc(event.starts_at).timestamp())}:{member_id}"


async def _done(session: AsyncSession, event: Event, label: str) -> bool:
    found = await session.scalar(
        select(EventReminder.id).where(
            EventReminder.event_id == event.id,
            EventReminder.label == label,
            EventReminder.starts_at == event.starts_at,
        )
    )
    return found is not None


async def _batch(
    session: AsyncSession,
    services: Services,
    event: Event,
    label: str,
    member_ids: Sequence[int],
    attachments: tuple[Attachment, ...],
) -> int:
    now = services.clock.now()
    minutes_left = int((as_utc(event.starts_at) - now).total_seconds() // 60)
    found = await session.scalars(select(Member).where(Member.id.in_(member_ids)))
    reachable = [(m, identity) for m in found if (identity := dm_identity(m)) is not None]
    experiments = services.get(ExperimentsService)
    choices = await experiments.choose(session, [m.id for m, _ in reachable], "event_reminder")
    messages: list[tuple[str, OutgoingMessage, int | None]] = []
    # Members alike in platform, zone, languages and arm read the same words: rendered once.
    rendered: dict[tuple[object, ...], OutgoingMessage] = {}
    for member, identity in reachable:
        choice = choices.get(member.id)
        if choice is not None:
            if choice.held_out:
                continue
            await experiments.delivering(session, member.id, choice, key(event, label, member.id))
        alike = (identity.platform, member.timezone, member.locale, member.seen_locale, choice)
        if (words := rendered.get(alike)) is None:
            reply = Reply(
                "events/reminder",
                {"event": view(event, zone=member.timezone), "minutes_left": minutes_left},
                attachments=attachments,
            )
            words = rendered[alike] = services.notifier.message(
                choice.apply(reply) if choice is not None else reply,
                Platform(identity.platform),
                languages=(member.locale, member.seen_locale),
                visibility=Visibility.PRIVATE,
            )
        message = replace(words, chat_id=identity.dm_chat_id, user_id=identity.platform_user_id)
        messages.append((key(event, label, member.id), message, member.id))
    queued = await enqueue_many(session, messages, now=now)
    if queued:
        session.info[QUEUED] = True
    return queued


async def remind(
    session: AsyncSession,
    services: Services,
    event: Event,
    label: str,
    attachments: tuple[Attachment, ...] = (),
) -> int:
    """Queue one reminder run, a batch of recipients at a time, and mark it done."""
    settings = services.settings.section(EventsSettings)
    statuses = [Answer.GOING, Answer.MAYBE] if settings.remind_maybe else [Answer.GOING]
    recipients = await service.members_answering(session, event.id, statuses)
    queued = 0
    for start in range(0, len(recipients), BATCH):
        chunk = recipients[start : start + BATCH]
        queued += await _batch(session, services, event, label, chunk, attachments)
    session.add(
        EventReminder(
            event_id=event.id, label=label, starts_at=event.starts_at, done_at=services.clock.now()
        )
    )
    await session.flush()
    return queued


async def sweep(services: Services, session: AsyncSession) -> int:
    """Every due reminder run not yet done, soonest event first."""
    labels = services.settings.section(EventsSettings).reminders
    if not labels:
        return 0
    now = services.clock.now()
    horizon = now + max(offset(label) for label in labels)
    events = list(
        await session.scalars(
            select(Event)
            .where(
                Event.cancelled_at.is_(None),
                Event.starts_at > now,
                Event.starts_at <= horizon,
            )
            .order_by(Event.starts_at)
        )
    )
    queued = 0
    for event in events:
        for label in due_labels(event, labels, now):
            if not await _done(session, event, label):
                # The first reminder carries the calendar file, its alarm at that reminder.
                first = label == labels[0]
                ics = (calendar.attachment(event, offset(label)),) if first else ()
                queued += await remind(session, services, event, label, ics)
    return queued
