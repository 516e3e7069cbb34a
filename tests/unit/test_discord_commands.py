"""Discord's slash commands carry their Chinese descriptions from the catalogues."""

from __future__ import annotations

from typing import Any

import discord
from discord import app_commands

from adapters.discord.commands import CatalogTranslator, build_commands
from bot.features import build_registry
from core.render import Renderer


async def test_command_and_option_descriptions_are_localised_from_the_catalogues() -> None:
    commands = {c.name: c for c in build_commands(build_registry(), None)}
    tree: Any = app_commands.CommandTree(discord.Client(intents=discord.Intents.none()))
    translator = CatalogTranslator(Renderer())
    ticket = commands["ticket"]
    assert isinstance(ticket, app_commands.Group)
    opened = ticket.get_command("open")
    assert isinstance(opened, app_commands.Command)
    payload = await opened.get_translated_payload(tree, translator)
    assert payload["description"] == "Open a support ticket with a subject and a description."
    assert payload["description_localizations"] == {"zh-CN": "提交工单，附标题和描述"}
    subject = next(o for o in payload["options"] if o["name"] == "subject")
    assert subject["description_localizations"] == {"zh-CN": "简单几个字"}
    assert "zh-TW" not in subject["description_localizations"], "no Simplified for Traditional"
