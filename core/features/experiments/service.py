"""What other features ask of the experiments: which message a member gets, and the
bookkeeping that turns a delivered message into an exposure and later activity into a
conversion.

A feature about to queue one of the messages an experiment may vary (``Message``) asks
``decide`` with the reply it would send and the outbox key it would queue it under, and
sends what it gets back: its own reply when no experiment runs on that message, the
member's variant when one does, nothing (``None``) when the member is held out. The
member's arm is drawn once (see ``assignment``) and stored, so it never changes. A variant's
message counts as an exposure only once the outbox marks it sent (``expose``, a sweep);
a held-out member is counted when they would have been sent one.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import timedelta
from typing import Any, cast

from sqlalchemy import CursorResult, and_, bindparam, delete, func, insert, select, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.sql.elements import ColumnElement

from core.activity import ActivityEvent
from core.clock import Clock
from core.events import EventKind, PlaceKind, Reply
from core.features.experiments import report as reports
from core.features.experiments.assignment import draw
from core.features.experiments.models import (
    ExperimentAssignment,
    ExperimentDelivery,
    ExperimentStop,
)
from core.features.experiments.report import Report
from core.features.experiments.settings import (
    HOLDOUT,
    ORIGINAL,
    Experiment,
    ExperimentsSettings,
    Message,
)
from core.outbox import OutboxMessage, OutboxStatus

VARIANT_TEMPLATE = "experiments/variant"
LATE = timedelta(days=2)
"""How long after a member's window closes the conversion sweep still looks (activity is
written to the log in batches, and a sweep may run late)."""
CHUNK = 500


def templates_package(experiment: str) -> str:
    """The renderer's name for an experiment's folder of variants."""
    return f"experiment-{experiment}"


@dataclass(frozen=True)
class Choice:
    experiment: str
    variant: str
    """A variant's name, or ``holdout``."""
    counted: bool = True
    """False once the experiment is stopped: the winner, sent to everyone, counted nowhere."""

    @property
    def held_out(self) -> bool:
        return self.variant == HOLDOUT

    def apply(self, reply: Reply) -> Reply:
        """The feature's reply, said in this variant's words (its data unchanged)."""
        if self.variant in (ORIGINAL, HOLDOUT):
            return reply
        context = {
            **reply.context,
            "xp_package": templates_package(self.experiment),
            "xp_variant": self.variant,
        }
        return replace(reply, template=VARIANT_TEMPLATE, context=context)


class ExperimentsService:
    def __init__(self, settings: ExperimentsSettings, clock: Clock) -> None:
        self.settings = settings
        self._clock = clock

    async def stops(self, session: AsyncSession) -> dict[str, ExperimentStop]:
        return {row.experiment: row for row in await session.scalars(select(ExperimentStop))}

    async def choose(
        self, session: AsyncSession, member_ids: Sequence[int], message: Message
    ) -> dict[int, Choice]:
        """Each member's arm for ``message``; members absent get the feature's own message.

        The first experiment on ``message`` not stopped decides, drawing (and storing) the
        arm of members it has not seen; a held-out member's exposure is recorded now. With
        none running, the latest stopped experiment's winner is everyone's. Flushes.
        """
        stops = await self.stops(session)
        on_message = [e for e in self.settings.experiments if e.message == message]
        live = next((e for e in on_message if e.name not in stops), None)
        if live is None:
            decided = [stops[e.name] for e in on_message if stops[e.name].winner]
            if not decided:
                return {}
            latest = max(decided, key=lambda stop: stop.stopped_at)
            winner = Choice(latest.experiment, latest.winner or ORIGINAL, counted=False)
            return dict.fromkeys(member_ids, winner)
        known: dict[int, str] = {}
        for start in range(0, len(member_ids), CHUNK):
            part = member_ids[start : start + CHUNK]
            rows = await session.execute(
                select(ExperimentAssignment.member_id, ExperimentAssignment.variant).where(
                    ExperimentAssignment.experiment == live.name,
                    ExperimentAssignment.member_id.in_(part),
                )
            )
            known |= {member_id: variant for member_id, variant in rows}
        now = self._clock.now()
        fresh = {m: draw(live, m) for m in dict.fromkeys(member_ids) if m not in known}
        if fresh:
            window = timedelta(days=live.convert_days)
            await session.execute(
                insert(ExperimentAssignment),
                [
                    {
                        "experiment": live.name,
                        "member_id": member_id,
                        "variant": variant,
                        "assigned_at": now,
                        "exposed_at": now if variant == HOLDOUT else None,
                        "convert_by": now + window if variant == HOLDOUT else None,
                        "converted_at": None,
                    }
                    for member_id, variant in fresh.items()
                ],
            )
            await session.flush()
        return {m: Choice(live.name, v) for m, v in (known | fresh).items()}

    async def decide(
        self, session: AsyncSession, member_id: int, message: Message, reply: Reply, key: str
    ) -> Reply | None:
        """What to queue under ``key`` for this member instead of ``reply``; None: held out,
        send nothing (recorded as such). Call it only where the message would really be
        queued now, so the holdout is counted like the members who are sent one."""
        choice = (await self.choose(session, [member_id], message)).get(member_id)
        if choice is None:
            return reply
        if choice.held_out:
            return None
        await self.delivering(session, member_id, choice, key)
        return choice.apply(reply)

    async def delivering(
        self, session: AsyncSession, member_id: int, choice: Choice, key: str
    ) -> None:
        """The member's variant is queued under ``key``: an exposure once the outbox sends it."""
        if not choice.counted or choice.held_out:
            return
        if await session.get(ExperimentDelivery, key) is None:
            session.add(
                ExperimentDelivery(
                    outbox_key=key,
                    experiment=choice.experiment,
                    member_id=member_id,
                    queued_at=self._clock.now(),
                )
            )
            await session.flush()

    async def report(self, session: AsyncSession, name: str) -> Report | None:
        experiment = self.settings.named(name)
        return None if experiment is None else await reports.report(session, experiment)

    async def report_for(self, session: AsyncSession, message: Message) -> Report | None:
        """The report of the experiment deciding ``message`` now (running, else the latest
        stopped): what a feature quotes for its message's lift over the holdout."""
        stops = await self.stops(session)
        on_message = [e for e in self.settings.experiments if e.message == message]
        live = next((e for e in on_message if e.name not in stops), None)
        if live is None and on_message:
            live = max(on_message, key=lambda e: stops[e.name].stopped_at)
        return None if live is None else await reports.report(session, live)

    async def decided(self, session: AsyncSession) -> list[Report]:
        """The experiments that reached a decision (a difference found with enough data, or
        stopped by hand): what the founder's digest lists."""
        found = [await reports.report(session, e) for e in self.settings.experiments]
        return [r for r in found if r.decided]

    async def stop(
        self, session: AsyncSession, name: str, winner: str | None, by: int | None
    ) -> ExperimentStop:
        """Nobody is assigned any more; ``winner`` (a variant) becomes everyone's message.
        Stopping again changes the winner. Flushes."""
        stop = await session.get(ExperimentStop, name)
        if stop is None:
            stop = ExperimentStop(experiment=name, stopped_at=self._clock.now())
            session.add(stop)
        stop.winner, stop.stopped_by = winner, by
        await session.flush()
        return stop

    async def expose(self, session: AsyncSession) -> int:
        """Settle the queued variants the outbox is done with: sent ones expose their member
        (the first sent is the exposure), failed or never queued ones are dropped. Returns
        how many members were exposed."""
        rows = await session.execute(
            select(ExperimentDelivery, OutboxMessage.status, OutboxMessage.sent_at)
            .outerjoin(
                OutboxMessage, OutboxMessage.idempotency_key == ExperimentDelivery.outbox_key
            )
            .where(
                (OutboxMessage.id.is_(None)) | (OutboxMessage.status != OutboxStatus.PENDING.value)
            )
        )
        exposed = 0
        settled: list[str] = []
        for delivery, status, sent_at in rows:
            settled.append(delivery.outbox_key)
            experiment = self.settings.named(delivery.experiment)
            if experiment is None or status != OutboxStatus.SENT.value or sent_at is None:
                continue
            if sent_at < delivery.queued_at:
                continue  # sent before the experiment chose it (the same key, long ago)
            result = await session.execute(
                update(ExperimentAssignment)
                .where(
                    ExperimentAssignment.experiment == delivery.experiment,
                    ExperimentAssignment.member_id == delivery.member_id,
                    ExperimentAssignment.exposed_at.is_(None),
                )
                .values(
                    exposed_at=sent_at,
                    convert_by=sent_at + timedelta(days=experiment.convert_days),
                )
                .execution_options(synchronize_session=False)
            )
            exposed += cast(CursorResult[Any], result).rowcount
        for start in range(0, len(settled), CHUNK):
            await session.execute(
                delete(ExperimentDelivery).where(
                    ExperimentDelivery.outbox_key.in_(settled[start : start + CHUNK])
                )
            )
        return exposed

    async def convert(self, session: AsyncSession) -> int:
        """Credit each exposed member's first qualifying activity within their window, once.
        Returns how many converted."""
        now = self._clock.now()
        converted = 0
        for experiment in self.settings.experiments:
            a, e = ExperimentAssignment, ActivityEvent
            firsts = await session.execute(
                select(a.id, func.min(e.at))
                .join(
                    e,
                    and_(
                        e.member_id == a.member_id,
                        e.at > a.exposed_at,
                        e.at <= a.convert_by,
                        conversion(experiment),
                    ),
                )
                .where(
                    a.experiment == experiment.name,
                    a.converted_at.is_(None),
                    a.exposed_at.is_not(None),
                    a.convert_by >= now - LATE,
                )
                .group_by(a.id)
            )
            found = [{"row": row_id, "at": at} for row_id, at in firsts]
            if found:
                # One executemany on the connection: thousands may convert in one pass.
                connection = await session.connection()
                at = bindparam("at", type_=ExperimentAssignment.converted_at.type)
                await connection.execute(
                    update(ExperimentAssignment)
                    .where(ExperimentAssignment.id == bindparam("row"))
                    .values(converted_at=at),
                    found,
                )
            converted += len(found)
        return converted


def conversion(experiment: Experiment) -> ColumnElement[bool]:
    """Which activity rows count as converting (``Experiment.conversion``)."""
    e = ActivityEvent
    if experiment.conversion == "active":
        arrivals = e.kind.not_in([EventKind.MEMBER_JOINED.value, EventKind.MEMBER_LEFT.value])
        if experiment.message == "winback":
            # Pressing the message's own 🔕 Stop these is no coming back (as /winback stats).
            return and_(arrivals, e.feature != "winback")
        return arrivals
    if experiment.conversion == "message":
        return and_(e.kind == EventKind.MESSAGE.value, e.place_kind != PlaceKind.DM.value)
    return e.feature == experiment.conversion
