"""``townhall sync-commands``: publish slash commands when they change, not at every start.

Discord rate-limits command creation (about 200 a day), and a guild sync shows up at once
while a global one can take a while: sync to a test guild while developing.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
from collections.abc import Callable
from typing import Any

from core.settings import Settings

SettingsLoader = Callable[[argparse.Namespace], Settings]


def add_parser(sub: Any, common: argparse.ArgumentParser, load_settings: SettingsLoader) -> None:
    parser = sub.add_parser(
        "sync-commands", parents=[common], help="publish the slash commands to Discord"
    )
    parser.add_argument("--guild", type=int, default=None, help="one guild id (instant)")
    parser.set_defaults(func=lambda args: cmd_sync_commands(args, load_settings(args)))


def cmd_sync_commands(args: argparse.Namespace, settings: Settings) -> None:
    if not settings.discord.token.get_secret_value():
        sys.exit("townhall: discord.token is not set")
    from adapters.discord.adapter import DiscordAdapter
    from bot.features import build_registry
    from core.render import Renderer

    adapter = DiscordAdapter(settings, build_registry(), Renderer())
    count = asyncio.run(adapter.sync_commands(args.guild))
    where = f"guild {args.guild}" if args.guild is not None else "all guilds"
    print(f"synced {count} commands to {where}")
