"""Townhall on Discord: discord.py's gateway and REST, translated to and from core events.

Events are read from the gateway's raw payloads (translate.py) after discord.py has updated
its cache from them; answers go out through discord.py, which keeps to Discord's per-route
rate-limit buckets. Slash commands are declared from the registry and synced on demand
(``townhall sync-commands``), never at start: creating commands is itself rate-limited.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Coroutine, Mapping
from dataclasses import replace
from datetime import UTC, datetime
from typing import Any, Literal

import aiohttp
import discord
from discord import app_commands

from adapters.base import EventHandler, StartRefused, StartUnreachable
from adapters.discord import scheduled, translate
from adapters.discord.client import failure_of, intents, log_end, point_at, tap
from adapters.discord.commands import Autocomplete, CatalogTranslator, build_commands
from adapters.discord.requests import RestPacer
from core import locale as locales
from core.events import (
    COMMAND_BUTTON,
    DeliveryFailure,
    EventKind,
    IncomingEvent,
    OutgoingMessage,
    Place,
    PlaceKind,
    Platform,
    Receipt,
    RoleChange,
    Visibility,
)
from core.places import PlaceRequest, PrivatePlace
from core.ratelimit import Limit, Pacing
from core.registry import ArgType, Registry
from core.render import Renderer
from core.settings import Settings

log = logging.getLogger(__name__)

# Discord drops an interaction not acknowledged within 3 s; answer directly when the core is
# quicker than this, else defer and follow up.
ACK_WITHIN = 2.0
CHANNEL_LIMIT = Limit(5, 5.0)
# Discord limits role changes per server; one member's changes are spaced like a channel's.
ROLES_LIMIT = Limit(5, 5.0)
THREAD_ARCHIVE_MINUTES: Literal[10080] = 10080


class DiscordAdapter:
    platform = Platform.DISCORD

    def __init__(
        self,
        settings: Settings,
        registry: Registry,
        renderer: Renderer,
        autocomplete: Autocomplete | None = None,
    ) -> None:
        # The global limit is counted per request by ``requests``; the pacing shared with the
        # outbox keeps only the per-channel windows.
        self.pacing = Pacing(None)
        self.requests = RestPacer()
        self._settings = settings.discord
        self._default_locale = settings.locale.default
        self._registry = registry
        self._renderer = renderer
        self._autocomplete = autocomplete
        self._client: discord.Client | None = None
        self._tree: app_commands.CommandTree[discord.Client] | None = None
        self._handle: EventHandler | None = None
        self._runner: asyncio.Task[None] | None = None
        self._tasks: set[asyncio.Task[None]] = set()
        self._raw_interactions: dict[str, Mapping[str, Any]] = {}
        self.ack_within = ACK_WITHIN

    @property
    def client(self) -> discord.Client:
        if self._client is None:
            raise RuntimeError("the Discord adapter is not started")
        return self._client

    def rate_keys(self, message: OutgoingMessage) -> list[tuple[str, Limit]]:
        if message.roles is not None:
            return [(f"roles:{message.roles.user_id}", ROLES_LIMIT)]
        if message.visibility is Visibility.PRIVATE and message.user_id:
            return [(f"dm:{message.user_id}", CHANNEL_LIMIT)]
        return [(message.thread_id or message.chat_id or "", CHANNEL_LIMIT)]

    async def _client_logged_in(self) -> discord.Client:
        if self._client is None:
            point_at(self._settings)
            self._client, self._tree = self._build_client()
            await self._tree.set_translator(CatalogTranslator(self._renderer))
            await self._client.login(self._settings.token.get_secret_value())
        return self._client

    def _build_client(self) -> tuple[discord.Client, app_commands.CommandTree[discord.Client]]:
        options: dict[str, Any] = {
            "intents": intents(),
            "guild_ready_timeout": self._settings.guild_ready_timeout,
            "allowed_mentions": translate.NO_MENTIONS,
            "http_trace": self.requests.trace(),
        }
        client: discord.Client
        if self._settings.shards:
            client = discord.AutoShardedClient(shard_count=self._settings.shards, **options)
        else:
            client = discord.Client(**options)
        tree = app_commands.CommandTree(client)
        for command in build_commands(self._registry, self._autocomplete):
            tree.add_command(command)

        async def on_interaction(interaction: discord.Interaction) -> None:
            await self._on_interaction(interaction)

        client.event(on_interaction)
        self._tap(client)
        return client, tree

    def _tap(self, client: discord.Client) -> None:
        tap(
            client,
            after_parse={
                "MESSAGE_CREATE": self._on_message_payload,
                "GUILD_MEMBER_ADD": lambda d: self._on_member_payload(d, EventKind.MEMBER_JOINED),
                "GUILD_MEMBER_REMOVE": lambda d: self._on_member_payload(d, EventKind.MEMBER_LEFT),
                "MESSAGE_REACTION_ADD": lambda d: self._on_reaction(d, EventKind.REACTION),
                "MESSAGE_REACTION_REMOVE": lambda d: self._on_reaction(
                    d, EventKind.REACTION_REMOVED
                ),
            },
            before_parse={"INTERACTION_CREATE": self._keep_interaction},
        )

    async def start(self, handle: EventHandler) -> None:
        """Connect and return once the guilds are loaded; events flow to ``handle`` from then."""
        try:
            await self._start(handle)
        except discord.LoginFailure as refused:
            raise StartRefused(f"Discord rejected the bot token ({refused})") from None
        except discord.PrivilegedIntentsRequired:
            raise StartRefused(
                "Discord refused the Message Content or Server Members intent: turn both on "
                "under Bot → Privileged Gateway Intents"
            ) from None
        except (
            discord.DiscordServerError,
            discord.GatewayNotFound,
            aiohttp.ClientError,
            OSError,
        ) as failed:
            raise StartUnreachable(str(failed) or type(failed).__name__) from None

    async def _start(self, handle: EventHandler) -> None:
        self._handle = handle
        client = await self._client_logged_in()
        self._runner = asyncio.create_task(client.connect(reconnect=True))
        self._runner.add_done_callback(log_end)
        ready = asyncio.create_task(client.wait_until_ready())
        done, _ = await asyncio.wait({self._runner, ready}, return_when=asyncio.FIRST_COMPLETED)
        if self._runner in done:
            ready.cancel()
            self._runner.result()
            raise RuntimeError("discord connection ended before it was ready")

    async def stop(self) -> None:
        self._handle = None
        if self._tasks:
            await asyncio.gather(*self._tasks, return_exceptions=True)
        if self._client is not None:
            await self._client.close()
        if self._runner is not None:
            await asyncio.gather(self._runner, return_exceptions=True)
        self._client = self._tree = self._runner = None

    async def sync_commands(self, guild_id: int | None) -> int:
        """Publish the registry's commands (to one guild, which is instant, or globally)."""
        started_here = self._client is None
        await self._client_logged_in()
        assert self._tree is not None
        try:
            guild = discord.Object(guild_id) if guild_id is not None else None
            if guild is not None:
                self._tree.copy_global_to(guild=guild)
            return len(await self._tree.sync(guild=guild))
        finally:
            if started_here:
                await self.stop()

    # Incoming

    def _spawn(self, work: Coroutine[Any, Any, None]) -> None:
        task = asyncio.create_task(work)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    def _on_message_payload(self, payload: dict[str, Any]) -> None:
        client = self._client
        if self._handle is None or client is None or client.user is None:
            return
        event = translate.message_event(
            payload,
            bot_id=str(client.user.id),
            channel=self._channel(int(payload["channel_id"])),
            permissions=self._permissions(payload),
            moderator_role_ids=self._settings.moderator_role_ids,
            received_at=datetime.now(UTC),
        )
        if event is not None:
            self._spawn(self._answer(event))

    def _on_reaction(self, payload: dict[str, Any], kind: EventKind) -> None:
        client = self._client
        if self._handle is None or client is None:
            return
        user = client.get_user(int(payload["user_id"]))
        event = translate.reaction_event(
            payload,
            kind,
            channel=self._channel(int(payload["channel_id"])),
            cached_name=user.display_name if user is not None else None,
            received_at=datetime.now(UTC),
        )
        if event is not None:
            self._spawn(self._answer(event))

    def _on_member_payload(self, payload: dict[str, Any], kind: EventKind) -> None:
        if self._handle is None or self._client is None:
            return
        guild = self._client.get_guild(int(payload["guild_id"]))
        system = guild.system_channel if guild is not None else None
        event = translate.member_event(
            payload,
            kind,
            system_channel_id=str(system.id) if system is not None else None,
            received_at=datetime.now(UTC),
        )
        if event is not None:
            self._spawn(self._answer(event))

    def _keep_interaction(self, payload: dict[str, Any]) -> None:
        self._raw_interactions[str(payload["id"])] = payload

    def _channel(self, channel_id: int) -> translate.Channel:
        assert self._client is not None
        channel = self._client.get_channel(channel_id)
        if isinstance(channel, discord.Thread):
            return translate.Channel(channel.type.value, str(channel.parent_id))
        kind = getattr(channel, "type", None)
        if isinstance(kind, discord.ChannelType):
            return translate.Channel(kind.value)
        return translate.Channel()

    def _permissions(self, payload: Mapping[str, Any]) -> int | None:
        """A member's server-wide permissions from the roles the message names."""
        assert self._client is not None
        guild_id, member = payload.get("guild_id"), payload.get("member")
        guild = self._client.get_guild(int(guild_id)) if guild_id else None
        if guild is None or member is None:
            return None
        if guild.owner_id == int(payload["author"]["id"]):
            return translate.ADMINISTRATOR
        value = guild.default_role.permissions.value
        for role_id in member.get("roles", []):
            role = guild.get_role(int(role_id))
            if role is not None:
                value |= role.permissions.value
        return value

    async def _answer(self, event: IncomingEvent) -> None:
        if self._handle is None:
            return
        try:
            for message in await self._handle(event):
                receipt = await self._paced_send(message)
                if not receipt.ok:
                    log.warning("reply to %s not delivered: %s", event.event_id, receipt.detail)
        except Exception:
            log.exception("discord event %s failed", event.event_id)

    async def _on_interaction(self, interaction: discord.Interaction) -> None:
        payload = self._raw_interactions.pop(str(interaction.id), None)
        if payload is None or self._handle is None:
            return
        event = translate.interaction_event(
            payload,
            moderator_role_ids=self._settings.moderator_role_ids,
            received_at=datetime.now(UTC),
        )
        if event is None:
            return
        form = self._form(event)
        if form is not None:
            self._spawn(self._ask_with_form(interaction, form))
            return
        task = asyncio.create_task(self._answer_interaction(interaction, event, self._handle))
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    def _form(self, event: IncomingEvent) -> discord.ui.Modal | None:
        """A form command called without any of its text, typed or pressed as a command
        button: ask for the text in a modal first."""
        if event.kind is EventKind.ACTION and event.action_id == COMMAND_BUTTON:
            command, _, sub = event.action_arg.partition(" ")
            chosen: Mapping[str, str] = {}
        elif event.kind is EventKind.COMMAND and event.args is not None:
            command, sub, chosen = event.command or "", event.arg_text, event.args
        else:
            return None
        spec, _ = self._registry.resolve(command, sub)
        if (
            spec is None
            or not spec.form
            or any(
                chosen.get(a.name)
                for a in (*spec.args, *spec.form_fields)
                if a.type is ArgType.TEXT
            )
        ):
            return None
        locale = locales.normalize(event.actor.locale) or self._default_locale
        title = self._renderer.translate(spec.description, locale)
        labels = {
            arg.name: self._renderer.translate(arg.description, locale)
            if arg.description
            else arg.name
            for arg in (*spec.args, *spec.form_fields)
        }
        return translate.form_for(spec, title, labels, chosen)

    async def _ask_with_form(
        self, interaction: discord.Interaction, form: discord.ui.Modal
    ) -> None:
        try:
            await interaction.response.send_modal(form)
        except (discord.DiscordException, aiohttp.ClientError, OSError):
            log.exception("could not show the form for interaction %s", interaction.id)

    async def _answer_interaction(
        self, interaction: discord.Interaction, event: IncomingEvent, handle: EventHandler
    ) -> None:
        work = asyncio.ensure_future(handle(event))
        try:
            try:
                replies = await asyncio.wait_for(asyncio.shield(work), self.ack_within)
            except TimeoutError:
                await interaction.response.defer(
                    ephemeral=True, thinking=event.kind is EventKind.COMMAND
                )
                await self._follow_up(interaction, event, await work)
                return
            await self._respond(interaction, event, replies)
        except Exception:
            log.exception("discord interaction %s failed", event.event_id)

    async def _respond(
        self, interaction: discord.Interaction, event: IncomingEvent, replies: list[OutgoingMessage]
    ) -> None:
        """In time: the first part is the interaction's response, the rest follow it."""
        calls = [
            (message.visibility is Visibility.PRIVATE, kwargs)
            for message in replies
            for kwargs in translate.send_kwargs(message)
        ]
        if not calls:
            await interaction.response.defer()
            if event.kind is EventKind.COMMAND:
                await interaction.delete_original_response()
            return
        (private, first), rest = calls[0], calls[1:]
        first.pop("reference", None)
        await interaction.response.send_message(ephemeral=private, **first)
        for private, kwargs in rest:
            kwargs.pop("reference", None)
            await interaction.followup.send(ephemeral=private, **kwargs)

    async def _follow_up(
        self, interaction: discord.Interaction, event: IncomingEvent, replies: list[OutgoingMessage]
    ) -> None:
        """Late: private parts replace the private "thinking…"; public ones go to the channel."""
        said_privately = False
        for message in replies:
            if message.visibility is Visibility.PUBLIC:
                await self._paced_send(message)
                continue
            for kwargs in translate.send_kwargs(message):
                kwargs.pop("reference", None)
                await interaction.followup.send(ephemeral=True, **kwargs)
                said_privately = True
        if event.kind is EventKind.COMMAND and not said_privately:
            await interaction.delete_original_response()

    # Outgoing

    async def open_private_place(self, request: PlaceRequest) -> PrivatePlace | None:
        """A private thread in the support channel with the member added: they and staff talk
        there directly. None (the caller falls back) if the channel cannot hold one."""
        if self._client is None:
            return None
        try:
            parent_id = int(request.parent.chat_id)
            channel = self._client.get_channel(parent_id) or await self._client.fetch_channel(
                parent_id
            )
            if not isinstance(channel, discord.TextChannel):
                log.warning("support channel %s cannot hold private threads", parent_id)
                return None
            thread = await channel.create_thread(
                name=request.title,
                type=discord.ChannelType.private_thread,
                invitable=False,
                auto_archive_duration=THREAD_ARCHIVE_MINUTES,
            )
            if request.member_user_id is not None:
                await thread.add_user(discord.Object(int(request.member_user_id)))
        except (discord.DiscordException, aiohttp.ClientError, TimeoutError, OSError) as error:
            log.warning("could not open a private thread for %s: %s", request.key, error)
            return None
        place = Place(
            Platform.DISCORD,
            str(parent_id),
            PlaceKind.THREAD,
            guild_id=str(channel.guild.id),
            thread_id=str(thread.id),
        )
        return PrivatePlace(place, member_inside=request.member_user_id is not None)

    async def _paced_send(self, message: OutgoingMessage) -> Receipt:
        """An answer in context, within the same channel windows as the outbox's sends."""
        await self.pacing.acquire(self.rate_keys(message))
        return await self.send(message)

    async def send(self, message: OutgoingMessage) -> Receipt:
        """A DM goes to the DM channel the message names; without one, the member's channel
        is opened (one request more, unless discord.py still has it among its last 128) and
        named in the receipt, for the core to remember."""
        if self._client is None:
            return Receipt(self.platform, failure=DeliveryFailure.UNAVAILABLE, detail="offline")
        if message.roles is not None:
            return await self._change_roles(message.roles)
        if message.scheduled is not None:
            return await scheduled.schedule(self._client, message)
        opened: str | None = None
        try:
            target: discord.DMChannel | discord.PartialMessageable
            if message.visibility is Visibility.PRIVATE and message.user_id:
                if message.dm_chat_id:
                    target = self._client.get_partial_messageable(
                        int(message.dm_chat_id), type=discord.ChannelType.private
                    )
                else:
                    target = await self._client.create_dm(discord.Object(int(message.user_id)))
                    opened = str(target.id)
            elif message.thread_id or message.chat_id:
                channel_id = int(message.thread_id or message.chat_id or 0)
                target = self._client.get_partial_messageable(channel_id)
            else:
                return Receipt(self.platform, failure=DeliveryFailure.INVALID, detail="no address")
            receipt = await self._send(target, message)
        except (discord.DiscordException, aiohttp.ClientError, TimeoutError, OSError) as error:
            receipt = failure_of(error)
        return replace(receipt, chat_id=opened) if opened else receipt

    async def _change_roles(self, change: RoleChange) -> Receipt:
        """One request per role that changes: roles the member already has (or lacks) per the
        cache are left alone, since Discord limits role changes per server. A role's server
        is the one whose cache holds it."""
        client = self.client
        user_id = int(change.user_id)
        try:
            for role_id, give in [(r, True) for r in change.add] + [
                (r, False) for r in change.remove
            ]:
                guild = next((g for g in client.guilds if g.get_role(int(role_id))), None)
                if guild is None:
                    return Receipt(
                        self.platform,
                        failure=DeliveryFailure.INVALID,
                        detail=f"role {role_id} is in no server the bot is in",
                    )
                member = guild.get_member(user_id)
                if member is not None and (member.get_role(int(role_id)) is not None) == give:
                    continue
                if give:
                    await client.http.add_role(guild.id, user_id, role_id)
                else:
                    await client.http.remove_role(guild.id, user_id, role_id)
        except (discord.DiscordException, aiohttp.ClientError, TimeoutError, OSError) as error:
            return failure_of(error)
        return Receipt(self.platform)

    async def _send(
        self, target: discord.DMChannel | discord.PartialMessageable, message: OutgoingMessage
    ) -> Receipt:
        calls = translate.send_kwargs(message)
        if message.edit_message_id:
            # An edit replaces one message: its text (the first part) and its buttons.
            first = calls[0] | {"view": calls[-1].get("view")}
            first.pop("reference", None)
            first.pop("files", None)
            edited = await target.get_partial_message(int(message.edit_message_id)).edit(**first)
            return Receipt(self.platform, message_id=str(edited.id))
        sent: discord.Message | None = None
        for kwargs in calls:
            sent = await target.send(**kwargs)
        return Receipt(self.platform, message_id=str(sent.id) if sent else None)
