"""The win-back sweep: plan each cycle's messages, then send each when its hour comes.

A cycle (``timing.latest_cycle``) plans every eligible member once: a ``WinbackMessage`` row
per member and cycle, due at their most active hour out of their quiet hours. Each pass then
sends the rows that are due: it checks the member again (back since, said stop, turned
unasked DMs off: dropped; in their quiet hours now: later), builds the message from the
feature they used last, lets an experiment choose its words, and queues it in the outbox
under a key naming member and cycle, marking the row in the same transaction. A pass killed
anywhere leaves either nothing or all of it, so nobody hears twice in a cycle.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import insert, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from core.clock import as_utc
from core.context import Services
from core.events import Button, OutgoingMessage, Platform, Reply, Visibility
from core.features.winback import choice, content, profiles, selection, timing
from core.features.winback.models import (
    DROPPED,
    HELD,
    PLANNED,
    SENT,
    WinbackControl,
    WinbackMessage,
)
from core.features.winback.settings import WinbackSettings

TEMPLATE = "winback/message"


async def control(session: AsyncSession) -> WinbackControl:
    row = await session.get(WinbackControl, 1)
    if row is None:
        row = WinbackControl(id=1, read_to=0)
        session.add(row)
        await session.flush()
    return row


def zone_of(services: Services, timezone: str | None) -> ZoneInfo:
    return ZoneInfo(timezone or services.settings.locale.timezone)


def language_of(services: Services, languages: tuple[str | None, str | None]) -> str:
    """As the notifier chooses for a DM: their /language, what they write, else the default."""
    return next((language for language in languages if language), services.settings.locale.default)


async def sweep(services: Services, session: AsyncSession) -> int:
    settings = services.settings.section(WinbackSettings)
    if not settings.enabled:
        return 0
    state = await control(session)
    await profiles.update_all(session, state)
    if state.paused_at is not None:
        return 0
    now = services.clock.now()
    last = None if state.last_cycle is None else as_utc(state.last_cycle)
    cycle = timing.latest_cycle(settings.schedule, services.settings.locale.timezone, now, last)
    if cycle is not None:
        await plan(services, session, settings, cycle)
        state.last_cycle = cycle
    return await send_due(services, session, settings, now)


async def plan(
    services: Services, session: AsyncSession, settings: WinbackSettings, cycle: datetime
) -> int:
    """One row per eligible member for this cycle. Returns how many."""
    found = await selection.candidates(session, selection.eligible(settings, cycle))
    rows = []
    for candidate in found:
        about = candidate.known
        zone = zone_of(services, candidate.timezone)
        rows.append(
            {
                "member_id": candidate.member_id,
                "cycle": cycle,
                "due_at": timing.due_at(cycle, about.hour, zone, settings.quiet),
                "left_at": candidate.left_at,
                "topic": about.topic,
                "status": PLANNED,
                "platform": candidate.account(about.platform).platform,
            }
        )
    if rows:
        # On the connection: one executemany, without the ORM's bookkeeping per row.
        await (await session.connection()).execute(insert(WinbackMessage), rows)
    return len(rows)


async def send_due(
    services: Services, session: AsyncSession, settings: WinbackSettings, now: datetime
) -> int:
    """Queue every planned message whose time has come. Returns how many were queued.

    The caps were checked when the cycle planned it (a member has one planned message at a
    time, and only win-back sends them); what may have changed since is checked again: back
    since, said stop, unasked DMs off, no account left to reach, in their quiet hours now."""
    w = WinbackMessage
    is_due = (w.status == PLANNED, w.due_at <= now)
    due = (
        await session.execute(
            select(w.id, w.member_id, w.cycle, w.left_at, w.topic, w.platform).where(*is_due)
        )
    ).all()
    if not due:
        return 0
    still = selection.reachable(select(w.member_id).where(*is_due))
    found = {c.member_id: c for c in await selection.candidates(session, still)}
    dropped: list[int] = []
    later: dict[datetime, list[int]] = {}
    ready = []
    for row in due:
        candidate = found.get(row.member_id)
        if candidate is None or candidate.left_at > as_utc(row.left_at):
            dropped.append(row.id)
            continue
        zone = zone_of(services, candidate.timezone)
        if timing.is_quiet(now, zone, settings.quiet):
            later.setdefault(timing.after_quiet(now, zone, settings.quiet), []).append(row.id)
            continue
        ready.append((row, candidate, language_of(services, candidate.languages)))
    readers = [
        content.Reader(row.member_id, row.topic, as_utc(row.left_at), language, c.timezone)
        for row, c, language in ready
    ]
    built = await content.build(services, session, readers, now)
    words = await choice.choose(services, session, [row.member_id for row, _, _ in ready])
    rendered: dict[tuple[object, ...], OutgoingMessage] = {}
    queue: list[tuple[str, OutgoingMessage, int | None]] = []
    chosen_rows: dict[tuple[str, str | None], list[int]] = {}
    cycles: dict[datetime, str] = {}
    for row, candidate, language in ready:
        chosen = words.get(row.member_id, choice.AS_WRITTEN)
        if chosen.held_out or chosen.variant is not None:
            status = HELD if chosen.held_out else SENT
            chosen_rows.setdefault((status, chosen.variant), []).append(row.id)
        if chosen.held_out:
            continue
        account = candidate.account(row.platform)
        made = built[row.member_id]
        shared = None
        if made.shared is not None:
            # A variant words the same data its own way: alike readers share its words too.
            shared = (*made.shared, account.platform, chosen.variant)
        outgoing = rendered.get(shared) if shared else None
        if outgoing is None:
            outgoing = services.notifier.message(
                chosen.apply(message(made, language)),
                Platform(account.platform),
                visibility=Visibility.PRIVATE,
            )
            if shared:
                rendered[shared] = outgoing
        if row.cycle not in cycles:
            cycles[row.cycle] = f"{as_utc(row.cycle):%Y%m%dT%H%M}"
        key = f"winback:{row.member_id}:{cycles[row.cycle]}"
        addressed = replace(outgoing, user_id=account.user_id, dm_chat_id=account.dm_chat_id)
        queue.append((key, addressed, row.member_id))
        await choice.delivering(services, session, row.member_id, chosen, key)
    await _mark(session, dropped, w.status, DROPPED)
    for at, ids in later.items():
        await _mark(session, ids, w.due_at, at)
    for (status, variant), ids in chosen_rows.items():
        await _mark(session, ids, w.status, status, variant=variant, sent_at=now)
    # Every row still due now is one queued as written: one statement for all of them.
    await session.execute(update(w).where(*is_due).values(status=SENT, sent_at=now))
    return await services.notifier.queue_many(session, queue)


async def _mark(
    session: AsyncSession, ids: list[int], column: Any, value: object, **more: object
) -> None:
    """Set ``column`` (and ``more``) on the rows ``ids``, a few hundred at a time."""
    for part in selection.chunks(ids):
        await session.execute(
            update(WinbackMessage)
            .where(WinbackMessage.id.in_(part))
            .values({column: value, **more})
        )


def message(made: content.Content, language: str) -> Reply:
    """The win-back DM: the content's words and buttons, and "🔕 Stop these" last."""
    return Reply(
        TEMPLATE,
        made.context,
        buttons=(*made.buttons, Button(content.STOP_ACTION, label_key=content.STOP_LABEL)),
        visibility=Visibility.PRIVATE,
        locale=language,
    )
