"""A loopback Telegram Bot API for driving the real python-telegram-bot in tests.

It answers ``POST /bot<token>/<method>`` on 127.0.0.1 the way Telegram does for the calls
Townhall makes (form-encoded, or multipart with files), records every call, and can be told
to misbehave: users who blocked the bot, groups upgraded to supergroups, a one-shot 429, or
Telegram's bulk limit (``rate_limit_per_second``) and, with ``chat_limits``, its 1 message a
second per chat and 20 a minute per group, enforced with 429s carrying ``retry_after`` and
counted in ``count_429``: the measure of whether the core keeps under them. ``now`` is the
time those limits are counted in (a test may move its own). Text Telegram would refuse (bad
HTML, entities outside the text, too long) is refused as Telegram does (``telegram_text``).
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import json
import math
import socket
import time
from collections import deque
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from aiohttp import web

from tests.fakes.telegram_text import refusal as text_refusal

TOKEN = "123456:TEST-token"
BOT_ID = 777000111
BOT_USERNAME = "townhall_bot"

JSON_FIELDS = {
    "reply_markup",
    "reply_parameters",
    "link_preview_options",
    "commands",
    "scope",
    "allowed_updates",
    "entities",
    "caption_entities",
}
INT_FIELDS = {"chat_id", "message_id", "message_thread_id", "offset", "limit", "timeout", "user_id"}
MESSAGE_METHODS = {"sendMessage", "editMessageText", "sendPhoto", "sendDocument"}
BLOCKED = "Forbidden: bot was blocked by the user"
NOT_STARTED = "Forbidden: bot can't initiate conversation with a user"
ADMIN_RIGHTS = (
    "can_be_edited",
    "is_anonymous",
    "can_manage_chat",
    "can_delete_messages",
    "can_manage_video_chats",
    "can_restrict_members",
    "can_promote_members",
    "can_change_info",
    "can_invite_users",
    "can_post_stories",
    "can_edit_stories",
    "can_delete_stories",
)


@dataclass
class Call:
    method: str
    params: dict[str, Any]
    status: int = 200
    result: Any = None
    at: float = field(default_factory=time.monotonic)


def user(user_id: int, first_name: str = "Ada", *, language_code: str = "en") -> dict[str, Any]:
    return {
        "id": user_id,
        "is_bot": False,
        "first_name": first_name,
        "language_code": language_code,
    }


def chat(chat_id: int) -> dict[str, Any]:
    if chat_id > 0:
        return {"id": chat_id, "type": "private", "first_name": "User"}
    return {"id": chat_id, "type": "supergroup", "title": "Townhall help"}


class TelegramFake:
    """One fake Telegram; ``updates`` pushed here reach the bot's next getUpdates at once."""

    def __init__(
        self,
        *,
        token: str = TOKEN,
        bot_id: int = BOT_ID,
        username: str = BOT_USERNAME,
        rate_limit_per_second: int | None = None,
        port: int = 0,
        chat_limits: bool = False,
        now: Callable[[], float] = time.monotonic,
    ) -> None:
        self.token = token
        self.bot = {"id": bot_id, "is_bot": True, "first_name": "Townhall", "username": username}
        self.rate_limit_per_second = rate_limit_per_second
        self.chat_limits = chat_limits
        self._now = now
        self._chat_sends: dict[int, deque[float]] = {}
        self.calls: list[Call] = []
        self.blocked: set[int] = set()
        self.not_started: set[int] = set()
        self.administrators: dict[int, list[int]] = {}
        self.migrated: dict[int, int] = {}
        self.forums: set[int] = set()
        self._topic_ids = itertools.count(500)
        self.count_429 = 0
        self.changed = asyncio.Event()
        self._retry_after_next: list[tuple[int, int | None]] = []
        self._updates: list[dict[str, Any]] = []
        self._update_ids = itertools.count(1)
        self._message_ids = itertools.count(1000)
        self._has_updates = asyncio.Event()
        self._recent_sends: deque[float] = deque()
        self._closing = False
        self._runner: web.AppRunner | None = None
        self.port = port

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/bot"

    async def start(self) -> None:
        app = web.Application()
        app.router.add_post("/bot{token}/{method}", self._dispatch)
        self._runner = web.AppRunner(app, shutdown_timeout=1.0)
        await self._runner.setup()
        sock = socket.socket()
        sock.bind(("127.0.0.1", self.port))
        self.port = sock.getsockname()[1]
        await web.SockSite(self._runner, sock).start()

    async def stop(self) -> None:
        self._closing = True
        self._has_updates.set()
        if self._runner is not None:
            await self._runner.cleanup()

    async def __aenter__(self) -> TelegramFake:
        await self.start()
        return self

    async def __aexit__(self, *_: object) -> None:
        await self.stop()

    # What tests set up and push.

    def retry_after_next(self, seconds: int, *, chat_id: int | None = None) -> None:
        """The next message-sending call (to ``chat_id``, if given) is refused once with a 429
        carrying retry_after."""
        self._retry_after_next.append((seconds, chat_id))

    def push(self, update: dict[str, Any]) -> dict[str, Any]:
        """Queue an update (an update_id is given if missing) and wake the long poll."""
        update = {"update_id": next(self._update_ids), **update}
        # Telegram's ids only grow, and the bot asks for ids above the last it saw: an id
        # given by a test moves the counter past it, or later pushes would never arrive.
        self._update_ids = itertools.count(max(next(self._update_ids), update["update_id"] + 1))
        self._updates.append(update)
        self._has_updates.set()
        return update

    def push_message(
        self,
        text: str,
        *,
        chat_id: int,
        sender: dict[str, Any],
        entities: Iterable[dict[str, Any]] = (),
        **extra: Any,
    ) -> dict[str, Any]:
        entities = list(entities)
        if text.startswith("/") and not entities:
            command = text.split()[0]
            entities = [{"type": "bot_command", "offset": 0, "length": len(command)}]
        message = {
            "message_id": next(self._message_ids),
            "date": int(time.time()),
            "chat": chat(chat_id),
            "from": sender,
            "text": text,
            **extra,
        }
        if entities:
            message["entities"] = entities
        return self.push({"message": message})

    def push_callback(self, data: str, *, sender: dict[str, Any], message: dict[str, Any]) -> str:
        query_id = f"cbq-{next(self._update_ids)}"
        self.push(
            {
                "callback_query": {
                    "id": query_id,
                    "chat_instance": "1",
                    "from": sender,
                    "message": message,
                    "data": data,
                }
            }
        )
        return query_id

    # What tests read.

    def called(self, method: str) -> list[dict[str, Any]]:
        return [c.params for c in self.calls if c.method == method]

    @property
    def sent(self) -> list[dict[str, Any]]:
        """sendMessage calls that Telegram accepted."""
        return [c.params for c in self.calls if c.method == "sendMessage" and c.status == 200]

    # The server.

    async def _dispatch(self, request: web.Request) -> web.Response:
        if request.match_info["token"] != self.token:
            return _error(401, "Unauthorized")
        method = request.match_info["method"]
        params = _decode(await request.post())
        call = Call(method, params, at=self._now())
        self.calls.append(call)
        try:
            if method == "getUpdates":
                return await self._get_updates(params)
            refusal = self._refusal(method, params)
            if refusal is not None:
                call.status = refusal.status
                return refusal
            handler = getattr(self, f"_api_{method}", None)
            if handler is None:
                call.status = 400
                return _error(400, f"Bad Request: method {method} is not in the fake")
            call.result = handler(params)
            return _ok(call.result)
        finally:
            self.changed.set()

    async def _get_updates(self, params: dict[str, Any]) -> web.Response:
        offset = params.get("offset", 0)
        pending = [u for u in self._updates if u["update_id"] >= offset]
        if not pending and not self._closing and params.get("timeout", 0) > 0:
            self._has_updates.clear()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._has_updates.wait(), timeout=params["timeout"])
            pending = [u for u in self._updates if u["update_id"] >= offset]
        return _ok(pending[: params.get("limit", 100)])

    def _refusal(self, method: str, params: dict[str, Any]) -> web.Response | None:
        if method not in MESSAGE_METHODS:
            return None
        for seconds, chat in self._retry_after_next:
            if chat in (None, params.get("chat_id")):
                self._retry_after_next.remove((seconds, chat))
                return self._too_many(seconds)
        now = self._now()
        if self.rate_limit_per_second is not None:
            wait = _over(self._recent_sends, self.rate_limit_per_second, 1.0, now)
            if wait:
                return self._too_many(wait)
        chat_id = params.get("chat_id")
        if self.chat_limits and isinstance(chat_id, int):
            sends = self._chat_sends.setdefault(chat_id, deque())
            wait = _over(sends, 1, 1.0, now)
            if not wait and chat_id < 0:
                wait = _over(sends, 20, 60.0, now)
            if wait:
                return self._too_many(wait)
            sends.append(now)
        if self.rate_limit_per_second is not None:
            self._recent_sends.append(now)
        if chat_id in self.migrated:
            return _error(
                400,
                "Bad Request: group chat was upgraded to a supergroup chat",
                parameters={"migrate_to_chat_id": self.migrated[chat_id]},
            )
        if chat_id in self.blocked:
            return _error(403, BLOCKED)
        if chat_id in self.not_started:
            return _error(403, NOT_STARTED)
        refused = text_refusal(method, params)
        return None if refused is None else _error(400, refused)

    def _too_many(self, seconds: int) -> web.Response:
        self.count_429 += 1
        return _error(
            429, f"Too Many Requests: retry after {seconds}", parameters={"retry_after": seconds}
        )

    def _api_getMe(self, _: dict[str, Any]) -> dict[str, Any]:
        return {**self.bot, "can_join_groups": True, "can_read_all_group_messages": False}

    def _api_deleteWebhook(self, _: dict[str, Any]) -> bool:
        return True

    def _api_setMyCommands(self, _: dict[str, Any]) -> bool:
        return True

    def _api_setWebhook(self, _: dict[str, Any]) -> bool:
        return True

    def _api_answerCallbackQuery(self, _: dict[str, Any]) -> bool:
        return True

    def _api_sendMessage(self, params: dict[str, Any]) -> dict[str, Any]:
        message = {
            "message_id": next(self._message_ids),
            "date": int(time.time()),
            "chat": chat(params["chat_id"]),
            "from": self.bot,
            "text": params["text"],
        }
        if "reply_markup" in params:
            message["reply_markup"] = params["reply_markup"]
        return message

    def _api_sendPhoto(self, params: dict[str, Any]) -> dict[str, Any]:
        upload = params["photo"]
        size = {"file_unique_id": "p1", "width": 64, "height": 64, "file_size": upload["size"]}
        return self._file_message(params, photo=[{"file_id": "photo-1", **size}])

    def _api_sendDocument(self, params: dict[str, Any]) -> dict[str, Any]:
        upload = params["document"]
        document = {"file_id": "doc-1", "file_unique_id": "d1", "file_name": upload["filename"]}
        return self._file_message(params, document=document)

    def _file_message(self, params: dict[str, Any], **media: Any) -> dict[str, Any]:
        message = {
            "message_id": next(self._message_ids),
            "date": int(time.time()),
            "chat": chat(params["chat_id"]),
            "from": self.bot,
            **media,
        }
        if "caption" in params:
            message["caption"] = params["caption"]
        return message

    def _api_editMessageText(self, params: dict[str, Any]) -> dict[str, Any]:
        return {
            "message_id": params["message_id"],
            "date": int(time.time()),
            "chat": chat(params["chat_id"]),
            "from": self.bot,
            "text": params["text"],
        }

    def _api_getChatAdministrators(self, params: dict[str, Any]) -> list[dict[str, Any]]:
        return [
            {"status": "administrator", "user": user(uid), **dict.fromkeys(ADMIN_RIGHTS, False)}
            for uid in self.administrators.get(params["chat_id"], [])
        ]

    def _api_getChat(self, params: dict[str, Any]) -> dict[str, Any]:
        found = {**chat(params["chat_id"]), "accent_color_id": 0, "max_reaction_count": 11}
        if params["chat_id"] in self.forums:
            found["is_forum"] = True
        return found

    def _api_createForumTopic(self, params: dict[str, Any]) -> dict[str, Any]:
        return {"message_thread_id": next(self._topic_ids), "name": params["name"], "icon_color": 0}


def _over(sends: deque[float], count: int, seconds: float, now: float) -> int:
    """Whole seconds to wait before one more send fits ``count`` in any ``seconds``
    (0: it fits now). ``sends`` keeps the last ``seconds`` of sends."""
    while sends and now - sends[0] >= 60.0:
        sends.popleft()
    recent = [t for t in sends if now - t < seconds]
    if len(recent) < count:
        return 0
    return max(1, math.ceil(recent[-count] + seconds - now))


def _decode(form: Any) -> dict[str, Any]:
    """PTB sends strings as-is and everything else as JSON inside the form field; files come
    as multipart parts, recorded by name and content."""
    params: dict[str, Any] = {}
    for key, value in form.items():
        if isinstance(value, web.FileField):
            content = value.file.read()
            params[key] = {"filename": value.filename, "size": len(content), "bytes": content}
        elif not isinstance(value, str):
            params[key] = value
        elif key in JSON_FIELDS:
            params[key] = json.loads(value)
        elif key in INT_FIELDS and value.lstrip("-").isdigit():
            params[key] = int(value)
        else:
            params[key] = value
    return params


def _ok(result: Any) -> web.Response:
    return _json({"ok": True, "result": result})


def _error(code: int, description: str, **extra: Any) -> web.Response:
    return _json({"ok": False, "error_code": code, "description": description, **extra}, code)


def _json(body: dict[str, Any], status: int = 200) -> web.Response:
    return web.Response(body=json.dumps(body), status=status, content_type="application/json")
