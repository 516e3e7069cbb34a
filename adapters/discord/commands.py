"""The registry's commands as Discord slash commands, with typed options and translations.

The tree declares commands (for ``tree.sync``) and answers autocomplete; invocations are
translated from the raw interaction like every other event (see adapter.py), so the command
callbacks here have nothing to do.
"""

from __future__ import annotations

import inspect
from collections.abc import Awaitable, Callable
from typing import Any

import discord
from discord import app_commands

from core import locale as locales
from core.events import Role
from core.registry import ArgSpec, ArgType, CommandSpec, Registry
from core.render import Renderer

DESCRIPTION_LIMIT = 100
CHOICES_LIMIT = 25

Autocomplete = Callable[[str, str, str], list[str]]
AutocompleteCallback = Callable[
    [discord.Interaction, str], Awaitable[list[app_commands.Choice[str]]]
]


class CatalogTranslator(app_commands.Translator):
    """Command and option descriptions in each of Discord's languages Townhall speaks, from
    the catalogues (the English text is their message id); names stay English."""

    def __init__(self, renderer: Renderer) -> None:
        self._renderer = renderer

    async def translate(
        self,
        string: app_commands.locale_str,
        locale: discord.Locale,
        context: app_commands.TranslationContextTypes,
    ) -> str | None:
        ours = next((s for s in locales.SUPPORTED if s.lower() == locale.value.lower()), None)
        message = string.extras.get("message", "")
        if ours is None or not message:
            return None
        translated = self._renderer.translate(message, ours)
        return translated[:DESCRIPTION_LIMIT] if translated != message else None


def _description(text: str, name: str) -> app_commands.locale_str:
    """``message`` keeps the whole English text, the catalogues' id, past Discord's limit."""
    return app_commands.locale_str((text or name)[:DESCRIPTION_LIMIT], message=text)


def _hint(arg: ArgSpec) -> app_commands.locale_str:
    return _description(arg.description, arg.name)


def _callback(spec: CommandSpec, autocomplete: Autocomplete | None) -> Callable[..., Any]:
    """A callback whose signature carries the declared options, as discord.py reads them."""

    async def callback(interaction: discord.Interaction, **values: Any) -> None:
        """Invocations are handled from the raw interaction (adapter.py), not here."""

    parameters = [inspect.Parameter("interaction", inspect.Parameter.POSITIONAL_OR_KEYWORD)] + [
        inspect.Parameter(
            arg.name,
            inspect.Parameter.KEYWORD_ONLY,
            annotation=int if arg.type is ArgType.INTEGER else str,
            # A form command's text may be left out: the adapter then asks for it in a modal.
            default=None
            if not arg.required or (spec.form and arg.type is ArgType.TEXT)
            else inspect.Parameter.empty,
        )
        for arg in spec.args
    ]
    callback.__signature__ = inspect.Signature(parameters)  # type: ignore[attr-defined]
    callback.__discord_app_commands_param_description__ = {  # type: ignore[attr-defined]
        arg.name: _hint(arg) for arg in spec.args
    }
    callback.__discord_app_commands_param_choices__ = {  # type: ignore[attr-defined]
        arg.name: [app_commands.Choice(name=c, value=c) for c in arg.choices[:CHOICES_LIMIT]]
        for arg in spec.args
        if arg.type is ArgType.CHOICE and arg.choices
    }
    if autocomplete is not None:
        callback.__discord_app_commands_param_autocomplete__ = {  # type: ignore[attr-defined]
            arg.name: _autocompleter(arg, autocomplete)
            for arg in spec.args
            if arg.autocomplete and arg.type is not ArgType.INTEGER
        }
    return callback


def _autocompleter(arg: ArgSpec, source: Autocomplete) -> AutocompleteCallback:
    name = arg.autocomplete or ""

    async def complete(
        interaction: discord.Interaction, current: str
    ) -> list[app_commands.Choice[str]]:
        tag = str(interaction.locale.value)
        found = source(name, current, locales.normalize(tag) or tag)
        return [app_commands.Choice(name=c[:100], value=c[:100]) for c in found[:CHOICES_LIMIT]]

    return complete


def _command(
    spec: CommandSpec, name: str, autocomplete: Autocomplete | None
) -> app_commands.Command[Any, ..., Any]:
    command: app_commands.Command[Any, ..., Any] = app_commands.Command(
        name=name,
        description=_description(spec.description, spec.name),
        callback=_callback(spec, autocomplete),
    )
    if spec.min_role > Role.MEMBER:
        # Hidden from members by default; server admins can widen it in Integrations.
        command.default_permissions = discord.Permissions(manage_guild=True)
    return command


def build_commands(
    registry: Registry, autocomplete: Autocomplete | None
) -> list[app_commands.Command[Any, ..., Any] | app_commands.Group]:
    """One top-level command per first word; "faq add" becomes subcommand "add" of "faq"."""
    built: list[app_commands.Command[Any, ..., Any] | app_commands.Group] = []
    for first, specs in sorted(registry.groups().items()):
        plain = [s for s in specs if len(s.path) == 1]
        subs = [s for s in specs if len(s.path) > 1]
        if not subs:
            built.append(_command(plain[0], first, autocomplete))
            continue
        group = app_commands.Group(
            name=first,
            description=_description("", ", ".join(s.path[1] for s in subs)),
        )
        if all(s.min_role > Role.MEMBER for s in subs):
            group.default_permissions = discord.Permissions(manage_guild=True)
        for spec in subs:
            group.add_command(_command(spec, spec.path[1], autocomplete))
        built.append(group)
    return built
