"""What every command gets from the router, whichever feature handles it."""

from __future__ import annotations

from sqlalchemy import text

from core.context import Context
from core.registry import CommandSpec
from tests.unit.chat import TG, Chat


async def _broken(ctx: Context) -> None:
    await ctx.session.execute(text("INSERT INTO no_such_table VALUES (1)"))


async def test_a_failing_handler_gets_an_apology_and_the_next_command_works(chat: Chat) -> None:
    commands = chat.app.services.registry.commands
    commands["broken"] = CommandSpec("broken", "fails in the database", _broken)
    (apology,) = await chat.say(TG, "alice", "/broken")
    assert "something went wrong" in apology.text
    (help_text,) = await chat.say(TG, "alice", "/help")
    assert "/ticket" in help_text.text


async def test_a_command_button_runs_its_command_with_the_same_role_check(chat: Chat) -> None:
    (helped,) = await chat.press(TG, "alice", "cmd:help")
    assert "/ticket" in helped.text
    (refused,) = await chat.press(TG, "alice", "cmd:faq list")
    assert "Only moderators can use /faq list" in refused.text
