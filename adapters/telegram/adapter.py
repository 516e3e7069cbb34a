"""python-telegram-bot's Application, started and stopped by hand, wired to the core.

The Application only fetches updates and makes API calls: every update goes through one
handler that translates it (translate.py), asks the core, and answers in context. Nothing of
PTB's own retrying or rate limiting is installed, so a 429 reaches the core's dispatcher,
which owns the limits.
"""

from __future__ import annotations

import logging
import secrets
import time
import warnings
from collections.abc import Sequence
from dataclasses import replace
from datetime import timedelta
from urllib.parse import urlsplit

from telegram import (
    BotCommand,
    BotCommandScopeAllChatAdministrators,
    BotCommandScopeDefault,
    Message,
    Update,
)
from telegram.error import (
    BadRequest,
    ChatMigrated,
    Forbidden,
    InvalidToken,
    NetworkError,
    RetryAfter,
    TelegramError,
)
from telegram.ext import Application, ApplicationBuilder, ContextTypes, TypeHandler
from telegram.warnings import PTBDeprecationWarning

from adapters.base import EventHandler, StartRefused, StartUnreachable
from adapters.telegram import translate
from adapters.telegram.updates import PerChatOrder
from core import locale as locales
from core.events import (
    DeliveryFailure,
    EventKind,
    IncomingEvent,
    OutgoingMessage,
    Place,
    PlaceKind,
    Platform,
    Receipt,
    Role,
    Visibility,
)
from core.places import PlaceRequest, PrivatePlace
from core.ratelimit import Limit, Pacing
from core.registry import CommandSpec, Registry
from core.render import Renderer
from core.settings import Settings

log = logging.getLogger(__name__)

POLL_TIMEOUT = 30
MAX_INLINE_RETRY_AFTER = 30.0
# Telegram's figures are 1 message a second per chat, 20 a minute per group and about 30 a
# second in all; each is kept with a little margin for network jitter, evenly spread in all.
PER_CHAT = Limit(1, 1.05)
PER_GROUP = Limit(20, 61.0)
OVERALL = Limit(28, 1.0, even=True)
# The command menu per language: English is the default, the others by their two letters.
COMMAND_LANGUAGES = {s: None if s == "en" else s.split("-")[0] for s in locales.SUPPORTED}
START_PAYLOAD = "hello"
TOPIC_NAME_LIMIT = 128


class TelegramAdapter:
    platform = Platform.TELEGRAM

    def __init__(self, settings: Settings, registry: Registry, renderer: Renderer) -> None:
        self.pacing = Pacing(OVERALL)
        self._settings = settings.telegram
        self._default_locale = settings.locale.default
        self._registry = registry
        self._renderer = renderer
        self._application: Application | None = None  # type: ignore[type-arg]
        self._handle: EventHandler | None = None
        self._me: translate.BotIdentity | None = None
        self._admins: dict[int, tuple[float, frozenset[int]]] = {}
        # Groups upgraded to supergroups get a new id; every send to the old one is refused.
        self._migrated: dict[str, str] = {}

    @property
    def application(self) -> Application:  # type: ignore[type-arg]
        if self._application is None:
            raise RuntimeError("the Telegram adapter is not started")
        return self._application

    @property
    def me(self) -> translate.BotIdentity:
        if self._me is None:
            raise RuntimeError("the Telegram adapter is not started")
        return self._me

    async def start(self, handle: EventHandler) -> None:
        try:
            await self._start(handle)
        except InvalidToken as refused:
            raise StartRefused(f"Telegram rejected the bot token ({refused})") from None
        except NetworkError as failed:
            raise StartUnreachable(str(failed)) from None

    async def _start(self, handle: EventHandler) -> None:
        self._handle = handle
        base = self._settings.base_url
        application = (
            ApplicationBuilder()
            .token(self._settings.token.get_secret_value())
            .base_url(base)
            .base_file_url(base.replace("/bot", "/file/bot", 1))
            .concurrent_updates(PerChatOrder())
            .build()
        )
        application.add_handler(TypeHandler(Update, self._on_update))
        self._application = application
        await application.initialize()
        bot = application.bot
        self._me = translate.BotIdentity(bot.id, bot.username)
        await self._set_commands()
        updater = application.updater
        assert updater is not None
        if self._settings.webhook_url:
            host, _, port = self._settings.webhook_listen.rpartition(":")
            await updater.start_webhook(
                listen=host or "127.0.0.1",
                port=int(port),
                url_path=urlsplit(self._settings.webhook_url).path.lstrip("/"),
                webhook_url=self._settings.webhook_url,
                secret_token=secrets.token_urlsafe(32),
                allowed_updates=Update.ALL_TYPES,
            )
        else:
            await updater.start_polling(
                timeout=timedelta(seconds=POLL_TIMEOUT),
                poll_interval=0,
                allowed_updates=Update.ALL_TYPES,
            )
        await application.start()
        log.info("telegram adapter started as @%s", self.me.username)

    async def stop(self) -> None:
        """Updates stop first; Application.stop then waits for handlers already running."""
        application = self._application
        if application is None:
            return
        if application.updater is not None and application.updater.running:
            await application.updater.stop()
        if application.running:
            await application.stop()
        await application.shutdown()
        self._application = None

    async def _set_commands(self) -> None:
        """The command menu per language; moderators also see theirs in groups they run."""
        bot = self.application.bot
        for locale, language_code in COMMAND_LANGUAGES.items():
            member, everyone = self.bot_commands(locale)
            await bot.set_my_commands(
                member, scope=BotCommandScopeDefault(), language_code=language_code
            )
            await bot.set_my_commands(
                everyone,
                scope=BotCommandScopeAllChatAdministrators(),
                language_code=language_code,
            )

    def bot_commands(self, locale: str) -> tuple[list[BotCommand], list[BotCommand]]:
        """Member commands, and all commands, as Telegram menu entries in ``locale``."""
        member: list[BotCommand] = []
        everyone: list[BotCommand] = []
        for name, specs in self._registry.groups().items():
            first = specs[0]
            entry = BotCommand(name, _description(self._describe(first, locale), name))
            everyone.append(entry)
            if min(spec.min_role for spec in specs) <= Role.MEMBER:
                member.append(entry)
        return member, everyone

    def _describe(self, spec: CommandSpec, locale: str) -> str:
        return self._renderer.translate(spec.description, locale)

    async def _on_update(self, update: Update, _: ContextTypes.DEFAULT_TYPE) -> None:
        query = update.callback_query
        if query is not None:
            # Telegram shows a spinner until the press is answered, whatever comes of it.
            try:
                await query.answer()
            except TelegramError as error:
                log.warning("could not answer callback query: %s", error)
        message = update.effective_message
        if message is not None and message.migrate_to_chat_id is not None:
            self._moved(message.chat.id, message.migrate_to_chat_id)
        events = translate.to_events(update, self.me)
        for event in events:
            await self._process(update, event)

    async def _process(self, update: Update, event: IncomingEvent) -> None:
        assert self._handle is not None
        if event.kind in (EventKind.COMMAND, EventKind.ACTION, EventKind.MESSAGE):
            event = replace(event, actor=replace(event.actor, role=await self._role(update)))
        for message in await self._handle(event):
            await self._deliver_in_context(event, message)

    async def _role(self, update: Update) -> Role:
        """A group's administrators moderate it; the router adds ids configured in [roles]."""
        chat = translate.chat_of(update)
        user = update.effective_user
        if chat is None or user is None or not chat[1]:
            return Role.MEMBER
        admins = await self._administrators(chat[0])
        return Role.MODERATOR if user.id in admins else Role.MEMBER

    async def _administrators(self, chat_id: int) -> frozenset[int]:
        now = time.monotonic()
        cached = self._admins.get(chat_id)
        if cached is not None and cached[0] > now:
            return cached[1]
        try:
            members = await self.application.bot.get_chat_administrators(chat_id)
        except TelegramError as error:
            log.warning("could not list administrators of %s: %s", chat_id, error)
            return cached[1] if cached is not None else frozenset()
        admins = frozenset(m.user.id for m in members)
        self._admins[chat_id] = (now + self._settings.admin_cache_seconds, admins)
        return admins

    async def _deliver_in_context(self, event: IncomingEvent, message: OutgoingMessage) -> None:
        receipt = await self._paced_send(message)
        if receipt.failure is DeliveryFailure.RATE_LIMITED:
            wait = receipt.retry_after or 1.0
            if wait <= MAX_INLINE_RETRY_AFTER:
                self.pacing.block_for(wait, self.rate_keys(message))
                receipt = await self._paced_send(message)
        if receipt.ok:
            return
        log.warning("reply to event %s not delivered: %s", event.event_id, receipt.failure)
        private_in_group = message.visibility is Visibility.PRIVATE and not event.place.is_dm
        if receipt.failure is DeliveryFailure.BLOCKED and private_in_group:
            await self._paced_send(self._start_bot_note(event))

    async def _paced_send(self, message: OutgoingMessage) -> Receipt:
        """An answer in context, within the same windows as the outbox's sends."""
        await self.pacing.acquire(self.rate_keys(message))
        return await self.send(message)

    def _start_bot_note(self, event: IncomingEvent) -> OutgoingMessage:
        """A private answer cannot reach someone who never opened the bot: say so, publicly."""
        username = self.me.username
        text = self._renderer.render(
            "core/start_bot_first",
            {
                "bot_username": username,
                "link": f"https://t.me/{username}?start={START_PAYLOAD}",
                "name": event.actor.display_name,
            },
            platform=Platform.TELEGRAM,
            locale=locales.normalize(event.actor.locale) or self._default_locale,
        )
        return OutgoingMessage(
            platform=Platform.TELEGRAM,
            text=text,
            chat_id=event.place.chat_id,
            thread_id=event.place.thread_id,
            reply_to_id=event.message_id if event.kind is not EventKind.ACTION else None,
            key="core/start_bot_first",
        )

    def rate_keys(self, message: OutgoingMessage) -> Sequence[tuple[str, Limit]]:
        chat = translate.target_chat(self._current(message))
        keys = [(chat, PER_CHAT)]
        if chat.startswith("-"):
            keys.append((chat, PER_GROUP))
        return keys

    async def open_private_place(self, request: PlaceRequest) -> PrivatePlace | None:
        """A forum topic per ticket where the staff group has topics; None (messages prefixed
        with the ticket id in the group itself) where it has not. The member stays in their DM
        with the bot either way: a group is no private place for them."""
        bot = self.application.bot
        chat_id = int(request.parent.chat_id)
        try:
            chat = await bot.get_chat(chat_id)
            if not chat.is_forum:
                return None
            topic = await bot.create_forum_topic(chat_id, request.title[:TOPIC_NAME_LIMIT])
        except TelegramError as error:
            log.warning("could not open a topic for %s: %s", request.key, error)
            return None
        thread = str(topic.message_thread_id)
        return PrivatePlace(
            Place(Platform.TELEGRAM, str(chat_id), PlaceKind.THREAD, thread_id=thread)
        )

    async def send(self, message: OutgoingMessage) -> Receipt:
        """Deliver one message (several parts if long); the first failure ends it."""
        bot = self.application.bot
        message_id: str | None = None
        try:
            for call in translate.to_api_calls(self._current(message)):
                try:
                    sent = await getattr(bot, call.method)(**call.kwargs)
                except ChatMigrated as moved:
                    moved_to = self._moved(call.kwargs["chat_id"], moved.new_chat_id)
                    sent = await getattr(bot, call.method)(**call.kwargs | {"chat_id": moved_to})
                if isinstance(sent, Message):
                    message_id = str(sent.message_id)
        except TelegramError as error:
            return failure_receipt(error)
        return Receipt(Platform.TELEGRAM, message_id=message_id)

    def _current(self, message: OutgoingMessage) -> OutgoingMessage:
        """Addressed to where a migrated group now lives."""
        moved_to = self._migrated.get(message.chat_id or "")
        return message if moved_to is None else replace(message, chat_id=moved_to)

    def _moved(self, old: str | int, new: str | int) -> str:
        old, new = str(old), str(new)
        if self._migrated.get(old) != new:
            self._migrated[old] = new
            log.warning(
                "telegram group %s is now supergroup %s: sending there; update any "
                "configuration that names telegram:%s",
                old,
                new,
                old,
            )
        return new


def failure_receipt(error: TelegramError) -> Receipt:
    """A Bot API error as the core's typed failure, which decides retry, wait or give up."""
    detail = str(error).removeprefix("Forbidden: ")
    if isinstance(error, Forbidden):
        return Receipt(Platform.TELEGRAM, failure=DeliveryFailure.BLOCKED, detail=detail)
    if isinstance(error, RetryAfter):
        return Receipt(
            Platform.TELEGRAM,
            failure=DeliveryFailure.RATE_LIMITED,
            detail=detail,
            retry_after=retry_seconds(error),
        )
    if isinstance(error, BadRequest):
        return Receipt(Platform.TELEGRAM, failure=DeliveryFailure.INVALID, detail=detail)
    if isinstance(error, NetworkError):
        return Receipt(Platform.TELEGRAM, failure=DeliveryFailure.UNAVAILABLE, detail=detail)
    return Receipt(Platform.TELEGRAM, failure=DeliveryFailure.INVALID, detail=detail)


def retry_seconds(error: RetryAfter) -> float:
    """PTB 22 is moving retry_after from int to timedelta and warns when read as int."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", PTBDeprecationWarning)
        value = error.retry_after
    return value.total_seconds() if isinstance(value, timedelta) else float(value)


def _description(text: str, name: str) -> str:
    """Telegram wants 3-256 characters."""
    text = (text or f"/{name}").strip()
    return (text if len(text) >= 3 else f"/{name} {text}".strip())[:256]
