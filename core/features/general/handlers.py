"""What every member can do before anything else: /start, /help and /language."""

from __future__ import annotations

from core.context import Context
from core.events import Reply, Role, Visibility
from core.locale import SUPPORTED
from core.members import service as members
from core.registry import ArgSpec, ArgType, Registry

registry = Registry("general")

LANGUAGE_CHOICES = tuple(s.lower() for s in SUPPORTED)


@registry.command("start", ArgSpec("payload", ArgType.WORD, required=False))
async def start(ctx: Context, payload: str = "") -> Reply:
    """Say hello and show how to get help."""
    return Reply("general/start", {"name": ctx.actor.display_name})


@registry.command("help")
async def help_(ctx: Context) -> Reply:
    """Show what you can ask me to do."""
    renderer = ctx.services.renderer
    commands = [
        {
            "name": spec.name,
            "description": renderer.translate(spec.description, ctx.locale),
            "moderator": spec.min_role > Role.MEMBER,
        }
        for spec in sorted(ctx.services.registry.commands.values(), key=lambda s: s.name)
        if spec.min_role <= ctx.actor.role and spec.name != "start"
    ]
    return Reply("general/help", {"commands": commands}, visibility=Visibility.PRIVATE)


@registry.command(
    "language", ArgSpec("language", ArgType.CHOICE, choices=(*LANGUAGE_CHOICES, "auto"))
)
async def language(ctx: Context, language: str) -> Reply:
    """Choose the language I answer you in."""
    chosen = next((s for s in SUPPORTED if s.lower() == language), None)
    await members.set_locale(ctx.session, ctx.member.id, chosen)
    return Reply(
        "general/language_set", {"chosen": chosen}, locale=chosen, visibility=Visibility.PRIVATE
    )
