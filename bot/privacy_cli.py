"""``townhall privacy export|forget --account PLATFORM:ID``: a member's data for the founder,
from the shell, through the same feature parts as ``/privacy``."""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

from core.settings import Settings

SettingsLoader = Callable[[argparse.Namespace], Settings]


async def run(settings: Settings, account: str, forget: bool) -> tuple[bool, Any]:
    """(found, the export or what was kept) for the member behind ``account``."""
    from bot.features import discover
    from core.clock import SystemClock
    from core.db.engine import Database
    from core.features.privacy import service

    features = discover()
    database = Database(settings.database.url)
    now = SystemClock().now()
    try:
        async with database.session() as session:
            member = await service.member_of(session, account)
            if member is None:
                return False, None
            if not forget:
                return True, await service.export(features, session, member, now)
            forgotten = await service.forget(features, session, member, now)
            await session.commit()
            return True, forgotten.kept
    finally:
        await database.dispose()


def cmd_privacy(args: argparse.Namespace, settings: Settings) -> None:
    forget = args.privacy_command == "forget"
    found, result = asyncio.run(run(settings, args.account, forget))
    if not found:
        sys.exit(f"townhall: no member has the account {args.account}")
    if forget:
        print(f"forgot the member with {args.account} and their linked accounts")
        for why in result:
            print(f"kept: {why}")
        return
    text = json.dumps(result, ensure_ascii=False, indent=2) + "\n"
    if args.out:
        Path(args.out).write_text(text, encoding="utf-8")
    else:
        sys.stdout.write(text)


def add_parser(sub: Any, common: argparse.ArgumentParser, load_settings: SettingsLoader) -> None:
    privacy = sub.add_parser("privacy", help="a member's data: export or forget")
    privacy_sub = privacy.add_subparsers(dest="privacy_command", required=True)
    account = argparse.ArgumentParser(add_help=False)
    account.add_argument("--account", required=True, help="PLATFORM:ID, e.g. telegram:12345")
    export = privacy_sub.add_parser(
        "export", parents=[common, account], help="everything stored about them, as JSON"
    )
    export.add_argument("--out", default=None, help="JSON file (default: standard output)")
    forget = privacy_sub.add_parser(
        "forget", parents=[common, account], help="delete them, anonymise what others need"
    )
    for parser in (export, forget):
        parser.set_defaults(func=lambda args: cmd_privacy(args, load_settings(args)))
