"""Event in, rendered replies out: member lookup, role checks, errors as friendly messages.

Replies to the event come back to the adapter, which answers in context (an interaction
response on Discord, a reply on Telegram). Replies addressed to a member or a place go through
the outbox, in the same transaction as the handler's changes: handlers never commit, the
router commits once after queueing, so a change and the messages it causes are saved together
or not at all.
"""

from __future__ import annotations

import logging
from collections import OrderedDict
from collections.abc import Sequence
from dataclasses import replace
from typing import Any

from core import args as argparse_
from core import locale as locales
from core.activity import ActivityRecord
from core.context import Context, Services
from core.events import (
    COMMAND_BUTTON,
    EventKind,
    IncomingEvent,
    OutgoingMessage,
    PlaceKind,
    Reply,
    Role,
    Visibility,
)
from core.members import service as members
from core.members.cache import MemberCache
from core.members.models import Member
from core.registry import ArgType, CommandSpec, HandlerResult

log = logging.getLogger(__name__)

SEEN_EVENTS = 10_000


class Router:
    def __init__(self, services: Services) -> None:
        self.services = services
        self._seen: OrderedDict[str, None] = OrderedDict()
        self.members = MemberCache()
        self.members.watch(services.database.session_class)

    async def handle(self, event: IncomingEvent) -> list[OutgoingMessage]:
        if event.actor.is_bot or self._is_duplicate(event):
            return []
        event = _pressed_command(event)
        clock = self.services.clock
        async with self.services.database.session() as session:
            role = self._role(event)
            group_role = None if event.place.is_dm else role
            account = (event.actor.platform.value, event.actor.platform_user_id)
            generation = self.members.generation
            snapshot = self.members.get(account)
            member = await members.resolve(
                session,
                event.actor,
                clock.now(),
                snapshot=snapshot,
                group_role=group_role,
                in_dm=event.place.is_dm,
                dm_chat_id=event.place.chat_id if event.place.is_dm else None,
            )
            seen_locale = (
                locales.spoken(self._own_words(event))
                or locales.normalize(event.actor.locale)
                or member.seen_locale
            )
            if member.seen_locale != seen_locale:
                member.seen_locale = seen_locale
            event = replace(event, actor=replace(event.actor, member_id=member.id, role=role))
            ctx = Context(self.services, session, event, member, self._locale(event, member))
            # Who is speaking is kept even if their request fails: the error reply and the
            # activity log name them. Everything the handler does is the next transaction.
            # Usually nothing about them changed, and this commit costs no query.
            await session.commit()
            if snapshot is None:
                self.members.put(account, member, generation)
            self.services.activity.seen(member.id, clock.now())
            feature, replies = await self._dispatch(ctx)
            self.services.activity.record(
                ActivityRecord(
                    member_id=ctx.member.id,
                    platform=event.place.platform.value,
                    place_id=event.place.chat_id,
                    place_kind=event.place.kind.value,
                    kind=event.kind.value,
                    feature=feature,
                    at=event.received_at,
                )
            )
            return await self._deliver(ctx, replies)

    def _is_duplicate(self, event: IncomingEvent) -> bool:
        key = f"{event.place.platform.value}:{event.event_id}"
        if key in self._seen:
            return True
        self._seen[key] = None
        if len(self._seen) > SEEN_EVENTS:
            self._seen.popitem(last=False)
        return False

    def _role(self, event: IncomingEvent) -> Role:
        """The platform's view (admin rights, configured roles) raised by configured ids."""
        who = f"{event.actor.platform.value}:{event.actor.platform_user_id}"
        roles = self.services.settings.roles
        if who in roles.founders:
            return Role.FOUNDER
        if who in roles.moderators:
            return max(event.actor.role, Role.MODERATOR)
        return event.actor.role

    def _own_words(self, event: IncomingEvent) -> str:
        """What the member wrote in their own words: a command's text arguments, not its
        English name, keywords or ids, so "/ticket list mine" says nothing of their language."""
        if event.kind is not EventKind.COMMAND:
            return event.text
        spec, rest = self.services.registry.resolve((event.command or "").lower(), event.arg_text)
        if spec is None:
            return rest
        try:
            values = (
                argparse_.convert(spec, event.args)
                if event.args is not None
                else argparse_.parse_text(spec, rest)
            )
        except argparse_.ArgError:
            return rest
        return " ".join(
            str(values[arg.name])
            for arg in spec.args
            if arg.type is ArgType.TEXT and arg.name in values
        )

    def _locale(self, event: IncomingEvent, member: Member) -> str:
        return (
            member.locale
            or locales.normalize(event.actor.locale)
            or locales.of_text(event.text)
            or member.seen_locale
            or self.services.settings.locale.default
        )

    def _as_own_text(
        self, ctx: Context, command: str, refused: CommandSpec, rest: str
    ) -> tuple[CommandSpec, dict[str, Any]] | None:
        """A typed subcommand the member may not run, read as the group's own text instead.

        A member's ``/ticket export broken`` is a ticket about exports, not the moderators'
        export refused. The subcommand alone (``/ticket priority``), words that make sense for
        it (``/ticket resolve T-1``), or words the group's command cannot take either
        (``/feedback status 3 planned``) are still refused: that says more than a ticket
        nobody meant or a usage line would.
        """
        parent = self.services.registry.commands.get(command)
        if ctx.event.args is not None or parent is None or ctx.actor.role < parent.min_role:
            return None
        if not rest or argparse_.fits(refused, rest):
            return None
        try:
            return parent, argparse_.parse_text(parent, ctx.event.arg_text)
        except argparse_.ArgError:
            return None

    async def _dispatch(self, ctx: Context) -> tuple[str, list[Reply]]:
        try:
            feature, replies = await self._route(ctx)
            await ctx.session.flush()
            for follower in self.services.registry.followers:
                replies += _as_list(await follower(ctx))
            return feature, replies
        except Exception:
            log.exception("handler failed for %s event %s", ctx.event.kind, ctx.event.event_id)
            await ctx.session.rollback()
            ctx.committed.clear()
            # The rollback expired the member, whom the activity log and delivery still read.
            await ctx.session.refresh(ctx.member)
            return "error", [Reply("core/error", visibility=Visibility.PRIVATE)]

    async def _route(self, ctx: Context) -> tuple[str, list[Reply]]:
        event, registry = ctx.event, self.services.registry
        if event.kind is EventKind.COMMAND:
            command = (event.command or "").lower()
            spec, rest = registry.resolve(command, event.arg_text)
            if spec is None:
                return "unknown", [Reply("core/unknown_command", {"command": event.command})]
            if ctx.actor.role < spec.min_role:
                own = self._as_own_text(ctx, command, spec, rest)
                if own is None:
                    return spec.feature, [
                        Reply(
                            "core/forbidden", {"command": spec.name}, visibility=Visibility.PRIVATE
                        )
                    ]
                spec, values = own
                return spec.feature, _as_list(await spec.handler(ctx, **values))
            try:
                values = (
                    argparse_.convert(spec, event.args)
                    if event.args is not None
                    else argparse_.parse_text(spec, rest)
                )
            except argparse_.ArgError as error:
                return spec.feature, [self._arg_error(ctx, spec, error)]
            return spec.feature, _as_list(await spec.handler(ctx, **values))
        if event.kind is EventKind.ACTION:
            action = registry.actions.get(event.action_id or "")
            if action is None:
                return "unknown", [Reply("core/stale_button", visibility=Visibility.PRIVATE)]
            if ctx.actor.role < action.min_role:
                return action.feature, [
                    Reply(
                        "core/forbidden",
                        {"command": None},
                        visibility=Visibility.PRIVATE,
                    )
                ]
            return action.feature, _as_list(await action.handler(ctx, event.action_arg))
        for spec_handler in registry.event_handlers:
            if spec_handler.kind is event.kind:
                result = _as_list(await spec_handler.handler(ctx))
                if result:
                    return spec_handler.feature, result
        return "none", []

    def _arg_error(self, ctx: Context, spec: CommandSpec, error: argparse_.ArgError) -> Reply:
        """Argument names are code; the member reads them in their language."""
        renderer = self.services.renderer

        def name(arg: str) -> str:
            return renderer.argument(arg, ctx.locale)

        context: dict[str, Any] = {
            "command": spec.name,
            "problem": error.problem,
            "arg": name(error.arg.name),
            "value": error.value,
            "choices": error.arg.choices,
            "usage": argparse_.usage(spec, name),
        }
        return Reply("core/bad_arguments", context, visibility=Visibility.PRIVATE)

    async def _deliver(self, ctx: Context, replies: Sequence[Reply]) -> list[OutgoingMessage]:
        """Queue what goes elsewhere, commit the event's one transaction, then say what goes
        back in place."""
        direct: list[OutgoingMessage] = []
        notifier = self.services.notifier
        for index, reply in enumerate(replies):
            key = reply.idempotency_key or f"event:{ctx.event.event_id}:{index}"
            if reply.to_member is not None:
                await notifier.to_member(ctx.session, reply.to_member, reply, key)
            elif reply.to_place is not None:
                await notifier.to_place(ctx.session, reply.to_place, reply, key)
            else:
                direct.append(self._in_place(ctx, reply))
        await ctx.session.commit()
        notifier.kick_if_queued(ctx.session)
        for callback in ctx.committed:
            await callback()
        return direct

    def _in_place(self, ctx: Context, reply: Reply) -> OutgoingMessage:
        place, event = ctx.place, ctx.event
        reply_to = reply.reply_to_id
        if reply_to is None and place.kind is not PlaceKind.DM and event.kind is EventKind.MESSAGE:
            reply_to = event.message_id
        return self.services.notifier.message(
            reply,
            place.platform,
            languages=(ctx.locale,),
            chat_id=place.chat_id,
            user_id=ctx.actor.platform_user_id,
            thread_id=place.thread_id,
            visibility=reply.visibility,
            reply_to_id=reply_to,
            edit_message_id=reply.edit_message_id,
            dm_chat_id=members.dm_chat_of(ctx.member, event.actor),
        )


def _as_list(result: HandlerResult) -> list[Reply]:
    if result is None:
        return []
    if isinstance(result, Reply):
        return [result]
    return list(result)


def _pressed_command(event: IncomingEvent) -> IncomingEvent:
    """A press of a command button is that command, typed with no arguments."""
    if event.kind is not EventKind.ACTION or event.action_id != COMMAND_BUTTON:
        return event
    command, _, arg_text = event.action_arg.partition(" ")
    return replace(
        event, kind=EventKind.COMMAND, command=command, arg_text=arg_text, args=None, text=""
    )
