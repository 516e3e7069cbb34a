"""``townhall tickets ...``: the support desk's records from the command line."""

from __future__ import annotations

import argparse
import asyncio
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from core.settings import Settings

if TYPE_CHECKING:
    from core.features.tickets.models import Ticket

SettingsLoader = Callable[[argparse.Namespace], Settings]


async def _tickets(settings: Settings) -> list[Ticket]:
    from sqlalchemy import select

    from bot.cli_db import fetch_all
    from core.features.tickets.models import Ticket

    return await fetch_all(settings, select(Ticket).order_by(Ticket.id))


def cmd_export(args: argparse.Namespace, settings: Settings) -> None:
    """Every ticket as CSV; with ``--transcripts``, each closed ticket's Markdown too."""
    from core.features.tickets.export import tickets_csv

    tickets = asyncio.run(_tickets(settings))
    if args.out:
        Path(args.out).write_text(tickets_csv(tickets), encoding="utf-8")
    else:
        sys.stdout.write(tickets_csv(tickets))
    if args.transcripts:
        folder = Path(args.transcripts)
        folder.mkdir(parents=True, exist_ok=True)
        kept = [t for t in tickets if t.transcript]
        for ticket in kept:
            (folder / f"{ticket.ref}.md").write_text(ticket.transcript or "", encoding="utf-8")
        noun = "transcript" if len(kept) == 1 else "transcripts"
        print(f"wrote {len(kept)} {noun} into {folder}", file=sys.stderr)


def add_parser(sub: Any, common: argparse.ArgumentParser, load_settings: SettingsLoader) -> None:
    tickets = sub.add_parser("tickets", help="support desk records")
    tickets_sub = tickets.add_subparsers(dest="tickets_command", required=True)
    export = tickets_sub.add_parser(
        "export", parents=[common], help="every ticket as CSV (and closed tickets' transcripts)"
    )
    export.add_argument("--out", default=None, help="CSV file (default: standard output)")
    export.add_argument("--transcripts", default=None, help="folder for T-N.md transcripts")
    export.set_defaults(func=lambda args: cmd_export(args, load_settings(args)))
