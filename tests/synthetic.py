"""A synthetic community for analytics: 90 days of members with planted habits, fed through
the router as the platforms would deliver them.

Habits: "daily" members write most days, "weekly" ones a day or two a week, "lapsers" are
busy for two weeks and then gone, "returners" go quiet for three weeks and come back,
"askers" ask the FAQ a question now and then, "lurkers" join and never write, "reactors"
only react. Some members join without a join event (their first message is their join),
some messages arrive late (delivered after the next day's, dated when they were sent), and
a few presses hit buttons. Seeded, so a size gives the same community every time.
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta

from core.events import Actor, EventKind, IncomingEvent, Place, PlaceKind, Platform

HABITS = ("daily", "weekly", "lapser", "returner", "asker", "lurker", "reactor")
WEIGHTS = (0.08, 0.22, 0.2, 0.12, 0.1, 0.18, 0.1)
QUESTIONS = ("how do I link my telegram account?", "how do I change the language?")
CHATTER = ("hello everyone", "nice work", "what a day", "see you tomorrow")
PLATFORMS = (Platform.DISCORD, Platform.TELEGRAM)


@dataclass(frozen=True)
class Delivery:
    """An event and the moment the router sees it (later than it happened when late)."""

    handled_at: datetime
    event: IncomingEvent


def _active_days(habit: str, join: int, days: int, rng: random.Random) -> list[int]:
    span = range(join, days)
    if habit == "daily":
        return [d for d in span if rng.random() < 0.85]
    if habit in ("weekly", "asker"):
        return [d for d in span if rng.random() < 0.2]
    if habit == "lapser":
        return [d for d in span if d < join + 14 and rng.random() < 0.6]
    if habit == "returner":
        return [d for d in span if (d < join + 10 or d >= join + 31) and rng.random() < 0.5]
    return []


def community(members: int, start: datetime, days: int = 90, seed: int = 17) -> list[Delivery]:
    """Every event of ``members`` members over ``days`` days from ``start`` (midnight UTC),
    in the order the router is to handle them."""
    rng = random.Random(seed)
    deliveries: list[Delivery] = []
    counter = 0

    def emit(
        kind: EventKind, who: str, platform: Platform, at: datetime, *, late: bool = False, **f: str
    ) -> None:
        nonlocal counter
        counter += 1
        in_dm = kind is EventKind.MESSAGE and f.get("text") in QUESTIONS
        place = (
            Place(platform, f"dm:{who}", PlaceKind.DM)
            if in_dm
            else Place(platform, "general", PlaceKind.CHANNEL, guild_id="g")
        )
        event = IncomingEvent(
            event_id=f"e{counter}",
            kind=kind,
            actor=Actor(platform, who, who),
            place=place,
            received_at=at,
            message_id=f"m{counter}",
            **f,  # type: ignore[arg-type]
        )
        handled = at + timedelta(hours=30) if late else at
        deliveries.append(Delivery(handled, event))

    for n in range(members):
        who = f"u{n}"
        habit = rng.choices(HABITS, WEIGHTS)[0]
        platform = rng.choice(PLATFORMS)
        join = rng.randrange(days)
        joined_at = start + timedelta(days=join, minutes=rng.randrange(24 * 60))
        if rng.random() < 0.85 or habit in ("lurker", "reactor"):
            emit(EventKind.MEMBER_JOINED, who, platform, joined_at)
        if habit == "reactor":
            for _ in range(3):
                at = joined_at + timedelta(days=rng.randrange(5), minutes=5)
                emit(EventKind.REACTION, who, platform, at, emoji="👍", text="")
        active = sorted(
            set(_active_days(habit, join, days, rng))
            | ({join} if habit not in ("lurker", "reactor") else set())
        )
        for day in active:
            base = start + timedelta(days=day)
            first = (
                joined_at + timedelta(minutes=1)
                if day == join
                else base + timedelta(minutes=rng.randrange(24 * 60 - 10))
            )
            late = rng.random() < 0.03
            if habit == "asker" and rng.random() < 0.5:
                emit(EventKind.MESSAGE, who, platform, first, text=rng.choice(QUESTIONS))
            elif rng.random() < 0.15:
                emit(EventKind.COMMAND, who, platform, first, text="/help", command="help")
            elif rng.random() < 0.05:
                emit(EventKind.ACTION, who, platform, first, action_id="gone", action_arg="1")
            else:
                emit(EventKind.MESSAGE, who, platform, first, late=late, text=rng.choice(CHATTER))
            if rng.random() < 0.3:
                emit(
                    EventKind.MESSAGE,
                    who,
                    platform,
                    first + timedelta(minutes=3),
                    text=rng.choice(CHATTER),
                )
        if habit == "lapser" and rng.random() < 0.5:
            emit(
                EventKind.MEMBER_LEFT,
                who,
                platform,
                start + timedelta(days=min(join + 20, days - 1)),
            )
    deliveries.sort(key=lambda d: (d.handled_at, d.event.event_id))
    return deliveries


def replay_times(deliveries: list[Delivery]) -> Iterator[tuple[datetime, IncomingEvent]]:
    for delivery in deliveries:
        yield delivery.handled_at, delivery.event
