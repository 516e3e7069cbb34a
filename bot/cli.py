"""``townhall``: the demo, scripted chats, the knowledge-base and ticket tools, and the bot.

Each command imports what it runs when it runs: the search engine, SQLAlchemy and discord.py
take seconds to import, and ``townhall --help`` or a typo should not wait for them.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import tempfile
from importlib.metadata import version
from pathlib import Path

from bot import discord_cli, events_cli, kb_commands, privacy_cli, stats_cli, tickets_cli
from core.settings import Settings

DEMO_STAFF_PLACE = "console:support"
DEMO_EVENTS_PLACE = "console:events"


def _settings(args: argparse.Namespace, *, knowledge: bool = True) -> Settings:
    from bot import config

    try:
        return config.load(args.config, knowledge=knowledge)
    except config.ConfigError as error:
        sys.exit(f"townhall: {error}")


def _with_database(settings: Settings, url: str) -> Settings:
    return settings.model_copy(
        update={"database": settings.database.model_copy(update={"url": url})}
    )


def _with_demo_desk(settings: Settings) -> Settings:
    """The demo shows the staff side of tickets too: each one gets a thread #support/T-N;
    and event cards go to #events."""
    from core.features.events.settings import EventsSettings
    from core.features.tickets.settings import TicketSettings

    desk = settings.section(TicketSettings)
    if not desk.staff_places:
        desk = desk.model_copy(update={"staff_places": [DEMO_STAFF_PLACE]})
        settings = settings.model_copy(update={"tickets": desk})
    events = settings.section(EventsSettings)
    if not events.announce_places:
        events = events.model_copy(update={"announce_places": [DEMO_EVENTS_PLACE]})
        settings = settings.model_copy(update={"events": events})
    return settings


def cmd_demo(args: argparse.Namespace) -> None:
    from adapters.console.adapter import Transcript
    from bot.console import run_console

    settings = _with_demo_desk(_settings(args))
    with tempfile.TemporaryDirectory(prefix="townhall-demo-") as folder:
        settings = _with_database(settings, f"sqlite+aiosqlite:///{folder}/demo.db")
        interactive = sys.stdin.isatty()
        transcript = Transcript(sys.stdout, as_json=args.json)
        asyncio.run(
            run_console(settings, sys.stdin, interactive=interactive, transcript=transcript)
        )


def cmd_chat(args: argparse.Namespace) -> None:
    from adapters.console.adapter import Transcript
    from bot.console import run_console

    settings = _settings(args)
    with tempfile.TemporaryDirectory(prefix="townhall-chat-") as folder:
        if args.database is None:
            settings = _with_database(settings, f"sqlite+aiosqlite:///{folder}/chat.db")
        else:
            settings = _with_database(settings, args.database)
        with open(args.script, encoding="utf-8") as script:
            transcript = Transcript(sys.stdout, as_json=args.json)
            code = asyncio.run(
                run_console(settings, script, interactive=False, transcript=transcript)
            )
    sys.exit(code)


def cmd_db_upgrade(args: argparse.Namespace) -> None:
    from bot.migrate import upgrade

    settings = _settings(args, knowledge=False)
    asyncio.run(upgrade(settings.database.url))
    print(f"database at head: {settings.database.url}")


def cmd_run(args: argparse.Namespace) -> None:
    from bot.runner import run_bot

    settings = _settings(args)
    sys.exit(asyncio.run(run_bot(settings)))


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="townhall", description=__doc__)
    parser.add_argument("--version", action="version", version=f"townhall {version('townhall')}")
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument(
        "--config",
        type=Path,
        default=None,
        help="TOML settings (default: ./config.toml when present, else built-in defaults)",
    )
    sub = parser.add_subparsers(dest="command", required=True)

    demo = sub.add_parser("demo", parents=[common], help="chat with the bot in this terminal")
    demo.add_argument("--json", action="store_true", help="one JSON line per bot message")
    demo.set_defaults(func=cmd_demo)

    chat = sub.add_parser("chat", parents=[common], help="run a console script")
    chat.add_argument("--script", required=True, help="script file (see README)")
    chat.add_argument("--json", action="store_true", help="one JSON line per bot message")
    chat.add_argument("--database", default=None, help="database URL (default: a fresh one)")
    chat.set_defaults(func=cmd_chat)

    run = sub.add_parser("run", parents=[common], help="run the bot on Discord and Telegram")
    run.set_defaults(func=cmd_run)

    db = sub.add_parser("db", help="database maintenance")
    db_sub = db.add_subparsers(dest="db_command", required=True)
    db_upgrade = db_sub.add_parser("upgrade", parents=[common], help="migrate to the newest schema")
    db_upgrade.set_defaults(func=cmd_db_upgrade)

    kb_commands.add_parsers(sub, common, _settings)
    discord_cli.add_parser(sub, common, _settings)
    tickets_cli.add_parser(sub, common, _settings)
    events_cli.add_parser(sub, common, _settings)
    privacy_cli.add_parser(sub, common, lambda args: _settings(args, knowledge=False))
    stats_cli.add_parser(sub, common, lambda args: _settings(args, knowledge=False))
    return parser


def main(argv: list[str] | None = None) -> None:
    args = build_parser().parse_args(argv)
    args.func(args)


if __name__ == "__main__":
    main()
