"""One declaration per command, button action, event handler and sweep.

A feature declares ``@registry.command("faq add", ...)`` once; the router dispatches it and
each adapter turns the same spec into its platform's UI (slash commands with typed options on
Discord, the command menu on Telegram, ``/help`` everywhere).
"""

from __future__ import annotations

import inspect
from collections.abc import Awaitable, Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import timedelta
from enum import StrEnum
from typing import TYPE_CHECKING, Any

from core.events import EventKind, Reply, Role

if TYPE_CHECKING:
    from sqlalchemy.ext.asyncio import AsyncSession

    from core.context import Services

HandlerResult = Reply | Sequence[Reply] | None
Handler = Callable[..., Awaitable[HandlerResult]]
SweepFn = Callable[["Services", "AsyncSession"], Awaitable[int]]
"""A sweep changes state and queues messages in the session it is given and returns how many
it queued (or handled); the sweeper commits that one transaction, like the router for an
event. A sweep never commits."""
CronOf = Callable[["Services"], tuple[str, str] | None]
"""(services) -> a cron expression and the IANA zone it is read in; None: no timetable."""


class ArgType(StrEnum):
    WORD = "word"
    TEXT = "text"
    INTEGER = "integer"
    CHOICE = "choice"


class Scope(StrEnum):
    ANYWHERE = "anywhere"
    DM = "dm"
    GROUP = "group"


@dataclass(frozen=True)
class ArgSpec:
    name: str
    type: ArgType = ArgType.WORD
    required: bool = True
    choices: tuple[str, ...] = ()
    autocomplete: str | None = None
    description: str = ""
    may_lead: str = ""
    """A pattern: a value matching it may be typed first although the argument comes last
    (``/ticket priority T-1 high`` as well as ``/ticket priority high T-1``), since people
    name the thing before what to do with it. Only for an optional last word argument."""


@dataclass(frozen=True)
class CommandSpec:
    """``name`` is a path: "faq add" is subcommand "add" of the group "faq".

    ``form``: where the platform has forms (Discord's modals), a call without any of its text
    arguments asks for them in one form instead of reaching the handler empty.
    ``form_fields``: what that form asks for when it is not the command's own text arguments
    (one line of typed syntax is a poor form); the submission reaches the handler as them.
    """

    name: str
    description: str
    handler: Handler = field(repr=False)
    args: tuple[ArgSpec, ...] = ()
    min_role: Role = Role.MEMBER
    scope: Scope = Scope.ANYWHERE
    feature: str = ""
    form: bool = False
    form_fields: tuple[ArgSpec, ...] = ()

    @property
    def path(self) -> tuple[str, ...]:
        return tuple(self.name.split())


@dataclass(frozen=True)
class ActionSpec:
    action_id: str
    handler: Handler = field(repr=False)
    min_role: Role = Role.MEMBER
    feature: str = ""


@dataclass(frozen=True)
class EventHandlerSpec:
    kind: EventKind
    handler: Handler = field(repr=False)
    feature: str = ""


@dataclass(frozen=True)
class SweepSpec:
    """Scheduled work: a pass over database state, safe to run at any moment and any count."""

    name: str
    every: timedelta
    run: SweepFn = field(repr=False)
    cron: CronOf | None = field(default=None, repr=False)
    """Also run at the times of a cron expression read from the settings (a timetable such
    as win-back's ``[winback] schedule``), besides every ``every`` to catch up."""


def _docstring_summary(fn: Callable[..., Any]) -> str:
    doc = inspect.getdoc(fn) or ""
    return doc.strip().splitlines()[0] if doc.strip() else ""


class Registry:
    def __init__(self, feature: str = "") -> None:
        self.feature = feature
        self.commands: dict[str, CommandSpec] = {}
        self.actions: dict[str, ActionSpec] = {}
        self.event_handlers: list[EventHandlerSpec] = []
        self.followers: list[Handler] = []
        self.sweeps: dict[str, SweepSpec] = {}

    def command(
        self,
        name: str,
        *args: ArgSpec,
        min_role: Role = Role.MEMBER,
        scope: Scope = Scope.ANYWHERE,
        form: bool = False,
        form_fields: tuple[ArgSpec, ...] = (),
    ) -> Callable[[Handler], Handler]:
        """Declare a command; its description is the first line of the handler's docstring."""

        def register(fn: Handler) -> Handler:
            self._add_command(
                CommandSpec(
                    name=name,
                    description=_docstring_summary(fn),
                    handler=fn,
                    args=args,
                    min_role=min_role,
                    scope=scope,
                    feature=self.feature,
                    form=form or bool(form_fields),
                    form_fields=form_fields,
                )
            )
            return fn

        return register

    def action(self, action_id: str, min_role: Role = Role.MEMBER) -> Callable[[Handler], Handler]:
        def register(fn: Handler) -> Handler:
            if action_id in self.actions:
                raise ValueError(f"action {action_id!r} declared twice")
            self.actions[action_id] = ActionSpec(action_id, fn, min_role, self.feature)
            return fn

        return register

    def on(self, kind: EventKind) -> Callable[[Handler], Handler]:
        def register(fn: Handler) -> Handler:
            self.event_handlers.append(EventHandlerSpec(kind, fn, self.feature))
            return fn

        return register

    def after_every_event(self, fn: Handler) -> Handler:
        """Runs after whatever handled an event (or nothing did), in its transaction, with
        what that handler changed flushed: for work that follows any change (a badge whose
        rule a thanks, a solution or a check-in made true). Its replies are added."""
        self.followers.append(fn)
        return fn

    def sweep(
        self, name: str, every: timedelta, cron: CronOf | None = None
    ) -> Callable[[SweepFn], SweepFn]:
        def register(fn: SweepFn) -> SweepFn:
            if name in self.sweeps:
                raise ValueError(f"sweep {name!r} declared twice")
            self.sweeps[name] = SweepSpec(name, every, fn, cron)
            return fn

        return register

    def _add_command(self, spec: CommandSpec) -> None:
        if spec.name in self.commands:
            raise ValueError(f"command {spec.name!r} declared twice")
        text_args = [a for a in spec.args if a.type is ArgType.TEXT]
        if text_args and spec.args[-1].type is not ArgType.TEXT:
            raise ValueError(f"command {spec.name!r}: text arguments must come last")
        self.commands[spec.name] = spec

    @classmethod
    def merge(cls, registries: Iterable[Registry]) -> Registry:
        merged = cls()
        for registry in registries:
            for command in registry.commands.values():
                merged._add_command(command)
            for action in registry.actions.values():
                if action.action_id in merged.actions:
                    raise ValueError(f"action {action.action_id!r} declared twice")
                merged.actions[action.action_id] = action
            merged.event_handlers.extend(registry.event_handlers)
            merged.followers.extend(registry.followers)
            for sweep in registry.sweeps.values():
                if sweep.name in merged.sweeps:
                    raise ValueError(f"sweep {sweep.name!r} declared twice")
                merged.sweeps[sweep.name] = sweep
        return merged

    def groups(self) -> dict[str, list[CommandSpec]]:
        """Commands by their first word; a group of one with no subcommand is a plain command."""
        grouped: dict[str, list[CommandSpec]] = {}
        for spec in self.commands.values():
            grouped.setdefault(spec.path[0], []).append(spec)
        return grouped

    def resolve(self, command: str, arg_text: str) -> tuple[CommandSpec | None, str]:
        """Find the spec for ``/faq add rest...``: the longest declared path wins."""
        words = arg_text.split(maxsplit=1)
        if words:
            sub = f"{command} {words[0].lower()}"
            if sub in self.commands:
                return self.commands[sub], words[1] if len(words) > 1 else ""
        return self.commands.get(command), arg_text
