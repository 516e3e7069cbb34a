"""``townhall events export --ics FILE``: upcoming events as a public calendar."""

from __future__ import annotations

import argparse
import asyncio
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from core.settings import Settings

if TYPE_CHECKING:
    from core.features.events.models import Event

SettingsLoader = Callable[[argparse.Namespace], Settings]


async def _upcoming(settings: Settings) -> list[Event]:
    from sqlalchemy import select

    from bot.cli_db import fetch_all
    from core.clock import SystemClock
    from core.features.events.models import Event

    return await fetch_all(
        settings,
        select(Event)
        .where(Event.cancelled_at.is_(None), Event.ends_at > SystemClock().now())
        .order_by(Event.starts_at),
    )


def cmd_export(args: argparse.Namespace, settings: Settings) -> None:
    """Every upcoming event, not cancelled, into one .ics file to publish."""
    from core.features.events.calendar import ics

    events = asyncio.run(_upcoming(settings))
    Path(args.ics).write_bytes(ics(events))
    noun = "event" if len(events) == 1 else "events"
    print(f"wrote {len(events)} upcoming {noun} into {args.ics}", file=sys.stderr)


def add_parser(sub: Any, common: argparse.ArgumentParser, load_settings: SettingsLoader) -> None:
    events = sub.add_parser("events", help="events and their calendars")
    events_sub = events.add_subparsers(dest="events_command", required=True)
    export = events_sub.add_parser(
        "export", parents=[common], help="every upcoming event as an iCalendar file"
    )
    export.add_argument("--ics", required=True, help="the .ics file to write")
    export.set_defaults(func=lambda args: cmd_export(args, load_settings(args)))
