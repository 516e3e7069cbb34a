"""A loopback Discord: the REST routes and gateway websocket discord.py uses, on 127.0.0.1.

It answers with the documented JSON shapes (Content-Type exactly ``application/json``, which
discord.py insists on), records every REST call for assertions, and lets a test push gateway
events (to the shard that owns the guild), close a member's DMs (403 code 50007) or answer
one call with a 429. Like Discord, it answers a global 429 (``global: true``, with
``retry_after``) to any request past ``global_limit`` (50) in one second, interaction calls
aside; ``global_429s`` counts them. Role changes (``PUT``/``DELETE
/guilds/{guild}/members/{user}/roles/{role}``) are refused as Discord refuses them: 403 code
50013 when the bot lacks Manage Roles or its role is not above the one changed, 404 for a
role or member the server does not have. Scheduled Events (``/guilds/{guild}/scheduled-events``:
create, edit, cancel with status 4, list) are kept in ``scheduled_events`` and refused with 403
code 50013 when the bot lacks Manage Events, and with 400 code 50035 when an external event has
no location or end. The payload shapes live in discord_payloads.py.
"""

from __future__ import annotations

import asyncio
import itertools
import json
import re
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from aiohttp import web

from tests.fakes.discord_payloads import (
    APP_ID,
    BOT_ID,
    BOT_ROLE,
    BOT_ROLE_POSITION,
    BOT_USER,
    EVERYONE_PERMISSIONS,
    GENERAL_CHANNEL,
    GUILD_ID,
    HELP_CHANNEL,
    MANAGE_EVENTS,
    MANAGE_GUILD,
    MANAGE_ROLES,
    MANAGER_ROLE,
    MOD_ROLE,
    OWNER_ID,
    SUPPORT_CHANNEL,
    guild_payload,
    message_payload,
    user,
)

__all__ = [
    "APP_ID",
    "GENERAL_CHANNEL",
    "GUILD_ID",
    "HELP_CHANNEL",
    "MANAGER_ROLE",
    "MOD_ROLE",
    "SUPPORT_CHANNEL",
    "Call",
    "FakeDiscord",
    "message_payload",
    "user",
]


@dataclass
class Call:
    method: str
    path: str
    body: dict[str, Any]
    status: int = 200


@dataclass
class FakeDiscord:
    members: dict[str, tuple[str, list[str]]] = field(default_factory=dict)
    closed_dms: set[str] = field(default_factory=set)
    calls: list[Call] = field(default_factory=list)
    identified: list[dict[str, Any]] = field(default_factory=list)
    recommended_shards: int = 1
    token: str = "fake-token"
    global_limit: int = 50
    global_429s: int = 0
    roles: dict[str, tuple[str, int]] = field(default_factory=dict)
    """The server's roles beyond the fixed ones: id → (name, position)."""
    bot_manages_roles: bool = True
    bot_manages_events: bool = True
    scheduled_events: dict[str, dict[str, Any]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        # Role changes edit these lists: a copy, so no test sees another's changes.
        self.members = {
            user_id: (name, list(held)) for user_id, (name, held) in self.members.items()
        }
        self._recent: deque[float] = deque()
        self._ids = itertools.count(1_950_000_000_000_000_000)
        self._sequence = itertools.count(1)
        self._sockets: dict[web.WebSocketResponse, tuple[int, int]] = {}
        self._dm_users: dict[str, str] = {}
        self._rate_limits: dict[str, float] = {}
        self._pending_updates: list[str] = []
        self._changed = asyncio.Condition()
        self.threads: dict[str, dict[str, Any]] = {}
        self.thread_members: dict[str, list[str]] = {}
        self._runner: web.AppRunner | None = None
        self.port = 0

    # Lifecycle

    async def start(self) -> None:
        app = web.Application()
        app.router.add_get("/gateway", self._gateway)
        app.router.add_route("*", "/api/v10/{path:.*}", self._rest)
        self._runner = web.AppRunner(app)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        self.port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]

    async def stop(self) -> None:
        for socket in list(self._sockets):
            await socket.close()
        if self._runner is not None:
            await self._runner.cleanup()

    @property
    def api_base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/api/v10"

    @property
    def gateway_url(self) -> str:
        return f"ws://127.0.0.1:{self.port}/gateway"

    def new_id(self) -> str:
        return str(next(self._ids))

    # What tests configure and read

    def rate_limit_once(self, path: str, retry_after: float) -> None:
        """The next call whose path matches ``path`` (a regex) gets a 429."""
        self._rate_limits[path] = retry_after

    def calls_to(self, method: str, pattern: str) -> list[Call]:
        return [c for c in self.calls if c.method == method and re.fullmatch(pattern, c.path)]

    async def wait_for(self, predicate: Callable[[], Any], seconds: float | None = 10) -> Any:
        """Until ``predicate()`` is truthy (re-checked on every call), for at most ``seconds``."""
        async with asyncio.timeout(seconds), self._changed:
            while not (found := predicate()):
                await self._changed.wait()
            return found

    async def _note(self, call: Call | None = None) -> None:
        async with self._changed:
            if call is not None:
                self.calls.append(call)
            self._changed.notify_all()

    # Gateway

    async def dispatch(self, event: str, data: dict[str, Any]) -> None:
        """To the shard that owns the event's guild, as Discord routes it (DMs: shard 0).

        A member's message in a DM makes its channel theirs, as on Discord: the bot may later
        write there without opening it."""
        guild_id = int(data.get("guild_id") or 0)
        if event == "MESSAGE_CREATE" and not guild_id:
            self._dm_users.setdefault(str(data["channel_id"]), str(data["author"]["id"]))
        for socket, (shard_id, shard_count) in list(self._sockets.items()):
            if (guild_id >> 22) % shard_count == shard_id:
                await self._send_event(socket, event, data)

    async def _send_event(self, socket: web.WebSocketResponse, event: str, data: Any) -> None:
        await socket.send_str(
            json.dumps({"op": 0, "t": event, "s": next(self._sequence), "d": data})
        )

    async def _gateway(self, request: web.Request) -> web.WebSocketResponse:
        socket = web.WebSocketResponse()
        await socket.prepare(request)
        await socket.send_str(json.dumps({"op": 10, "d": {"heartbeat_interval": 45_000}}))
        async for frame in socket:
            message = json.loads(frame.data)
            if message["op"] == 1:
                await socket.send_str(json.dumps({"op": 11}))
            elif message["op"] == 2:
                shard = message["d"].get("shard")
                shard_id, shard_count = shard or (0, 1)
                ready: dict[str, Any] = {
                    "v": 10,
                    "user": BOT_USER,
                    "guilds": [{"id": GUILD_ID, "unavailable": True}],
                    "session_id": "fake-session",
                    "resume_gateway_url": self.gateway_url,
                    "application": {"id": APP_ID, "flags": 0},
                    "private_channels": [],
                }
                if shard is not None:
                    ready["shard"] = shard
                    ready["guilds"] = [
                        g for g in ready["guilds"] if (int(g["id"]) >> 22) % shard_count == shard_id
                    ]
                await self._send_event(socket, "READY", ready)
                if ready["guilds"]:
                    await self._send_event(socket, "GUILD_CREATE", self.guild())
                self._sockets[socket] = (shard_id, shard_count)
                self.identified.append(message["d"])
                await self._note()
        self._sockets.pop(socket, None)
        return socket

    def guild(self) -> dict[str, Any]:
        members = [self.member_payload(user_id) for user_id in [*self.members, OWNER_ID, BOT_ID]]
        return guild_payload(members, self.roles, self._bot_permissions())

    def _bot_permissions(self) -> int:
        roles = MANAGE_ROLES if self.bot_manages_roles else 0
        return EVERYONE_PERMISSIONS | roles | (MANAGE_EVENTS if self.bot_manages_events else 0)

    def member_payload(self, user_id: str) -> dict[str, Any]:
        if user_id == BOT_ID:
            who, roles = BOT_USER, [BOT_ROLE]
        elif user_id == OWNER_ID:
            who, roles = user(OWNER_ID, "owner"), []
        else:
            name, roles = self.members[user_id]
            who = user(user_id, name)
        return {
            "user": who,
            "roles": roles,
            "nick": None,
            "joined_at": "2025-01-01T00:00:00+00:00",
            "deaf": False,
            "mute": False,
            "flags": 0,
        }

    def permissions_of(self, user_id: str) -> int:
        _, roles = self.members[user_id]
        extra = MANAGE_GUILD if MANAGER_ROLE in roles else 0
        return EVERYONE_PERMISSIONS | extra

    # REST

    async def _rest(self, request: web.Request) -> web.Response:
        path = "/" + request.match_info["path"]
        body = await self._body(request)
        response = (
            self._unauthorized(request)
            or self._over_global(path)
            or self._limited(path)
            or self._answer(request.method, path, body)
        )
        await self._note(Call(request.method, path, body, response.status))
        while self._pending_updates:
            # Discord tells the gateway of a member's new roles: the client's cache follows.
            member = self.member_payload(self._pending_updates.pop())
            await self.dispatch("GUILD_MEMBER_UPDATE", member | {"guild_id": GUILD_ID})
        created = re.fullmatch(r"/channels/\d+/threads", path)
        if created and request.method == "POST" and response.status == 200:
            # Discord tells the gateway too; that is how the client caches the new thread.
            thread = json.loads(bytes(response.body))  # type: ignore[arg-type]
            await self.dispatch("THREAD_CREATE", thread | {"newly_created": True})
        return response

    def _unauthorized(self, request: web.Request) -> web.Response | None:
        """Discord answers a wrong bot token with 401, which discord.py calls LoginFailure."""
        if request.headers.get("Authorization") in (None, f"Bot {self.token}"):
            return None
        return _json({"message": "401: Unauthorized", "code": 0}, 401)

    def _over_global(self, path: str) -> web.Response | None:
        """More than ``global_limit`` requests in any second; interactions are exempt."""
        if re.match(r"/(interactions|webhooks)/", path):
            return None
        now = time.monotonic()
        while self._recent and now - self._recent[0] >= 1.0:
            self._recent.popleft()
        if len(self._recent) >= self.global_limit:
            self.global_429s += 1
            retry_after = round(self._recent[0] + 1.0 - now, 3)
            limited = {"message": "You are being rate limited.", "retry_after": retry_after}
            headers = {
                "Via": "1.1 google",
                "Retry-After": str(retry_after),
                "X-RateLimit-Global": "true",
                "X-RateLimit-Scope": "global",
            }
            return _json(limited | {"global": True}, status=429, headers=headers)
        self._recent.append(now)
        return None

    def _limited(self, path: str) -> web.Response | None:
        for pattern, retry_after in list(self._rate_limits.items()):
            if re.fullmatch(pattern, path):
                del self._rate_limits[pattern]
                limited = {"message": "rate limited", "retry_after": retry_after, "global": False}
                # discord.py treats a 429 without Via as a Cloudflare ban, not a rate limit.
                return _json(limited, status=429, headers={"Via": "1.1 google"})
        return None

    @staticmethod
    async def _body(request: web.Request) -> dict[str, Any]:
        if not request.can_read_body:
            return {}
        if request.content_type.startswith("multipart/"):
            reader = await request.multipart()
            found: dict[str, Any] = {"files": []}
            async for part in reader:
                if part.name == "payload_json":  # type: ignore[union-attr]
                    found |= json.loads(await part.text())  # type: ignore[union-attr]
                else:
                    content = await part.read()  # type: ignore[union-attr]
                    found["files"].append(
                        {
                            "filename": part.filename,  # type: ignore[union-attr]
                            "size": len(content),
                            "bytes": content,
                        }
                    )
            return found
        loaded: dict[str, Any] = await request.json()
        return loaded

    def _answer(self, method: str, path: str, body: dict[str, Any]) -> web.Response:
        if path == "/users/@me" and method == "GET":
            return _json(BOT_USER)
        if path == "/oauth2/applications/@me":
            return _json(
                {
                    "id": APP_ID,
                    "name": "townhall",
                    "icon": None,
                    "description": "",
                    "bot_public": True,
                    "bot_require_code_grant": False,
                    "verify_key": "0" * 64,
                    "flags": 0,
                    "owner": user(OWNER_ID, "owner"),
                }
            )
        if path == "/gateway/bot":
            return _json(
                {
                    "url": self.gateway_url,
                    "shards": self.recommended_shards,
                    "session_start_limit": {
                        "total": 1000,
                        "remaining": 1000,
                        "reset_after": 0,
                        "max_concurrency": 1,
                    },
                }
            )
        if re.fullmatch(r"/applications/\d+(/guilds/\d+)?/commands", path) and method == "PUT":
            return _json(
                [
                    command | {"id": self.new_id(), "application_id": APP_ID, "version": "1"}
                    for command in body
                ]
            )  # type: ignore[operator]
        if path == "/users/@me/channels" and method == "POST":
            recipient = str(body["recipient_id"])
            channel_id = self._dm_channel(recipient)
            return _json({"id": channel_id, "type": 1, "recipients": [user(recipient, "dm")]})
        match = re.fullmatch(r"/guilds/\d+/members/(\d+)/roles/(\d+)", path)
        if match and method in ("PUT", "DELETE"):
            return self._role_change(match.group(1), match.group(2), give=method == "PUT")
        match = re.fullmatch(r"/guilds/\d+/scheduled-events(?:/(\d+))?", path)
        if match:
            return self._scheduled(method, match.group(1), body)
        match = re.fullmatch(r"/channels/(\d+)/threads", path)
        if match and method == "POST":
            return _json(self._thread(match.group(1), body))
        match = re.fullmatch(r"/channels/(\d+)/thread-members/(\d+)", path)
        if match and method == "PUT":
            self.thread_members.setdefault(match.group(1), []).append(match.group(2))
            return web.Response(status=204)
        match = re.fullmatch(r"/channels/(\d+)/messages(?:/(\d+))?", path)
        if match and method in ("POST", "PATCH"):
            channel_id = match.group(1)
            if self._dm_users.get(channel_id) in self.closed_dms:
                return _json(
                    {"code": 50007, "message": "Cannot send messages to this user"}, status=403
                )
            return _json(self.message(channel_id, body, match.group(2)))
        if re.fullmatch(r"/interactions/\d+/[^/]+/callback", path):
            interaction_id = path.split("/")[2]
            return _json({"interaction": {"id": interaction_id, "type": body.get("type")}})
        if path.startswith("/webhooks/"):
            if method == "DELETE":
                return web.Response(status=204)
            return _json(self.message(GENERAL_CHANNEL, body))
        return _json({"code": 0, "message": f"fake has no {method} {path}"}, status=404)

    def _role_change(self, user_id: str, role_id: str, *, give: bool) -> web.Response:
        """As Discord: the bot needs Manage Roles and a role above the one it changes."""
        if role_id not in self.roles:
            return _json({"code": 10011, "message": "Unknown Role"}, status=404)
        if user_id not in self.members:
            return _json({"code": 10007, "message": "Unknown Member"}, status=404)
        if not self.bot_manages_roles or self.roles[role_id][1] >= BOT_ROLE_POSITION:
            return _json({"code": 50013, "message": "Missing Permissions"}, status=403)
        _, held = self.members[user_id]
        if give and role_id not in held:
            held.append(role_id)
        elif not give and role_id in held:
            held.remove(role_id)
        self._pending_updates.append(user_id)
        return web.Response(status=204)

    def _scheduled(self, method: str, event_id: str | None, body: dict[str, Any]) -> web.Response:
        """As Discord: Manage Events to create or change one; an external one needs a
        location and an end; status 4 cancels it."""
        if method == "GET" and event_id is None:
            return _json(list(self.scheduled_events.values()))
        if not self.bot_manages_events:
            return _json({"code": 50013, "message": "Missing Permissions"}, status=403)
        if event_id is not None and event_id not in self.scheduled_events:
            return _json({"code": 10070, "message": "Unknown Guild Scheduled Event"}, 404)
        event = dict(self.scheduled_events.get(event_id or "", {}))
        event |= body
        external = event.get("entity_type") == 3
        if external and not (
            event.get("entity_metadata", {}).get("location") and event.get("scheduled_end_time")
        ):
            return _json({"code": 50035, "message": "Invalid Form Body"}, status=400)
        if event_id is None:
            event |= {"id": self.new_id(), "guild_id": GUILD_ID, "status": 1}
        self.scheduled_events[event["id"]] = event
        return _json(event)

    def roles_of(self, user_id: str) -> list[str]:
        return list(self.members[user_id][1])

    def _thread(self, parent_id: str, body: dict[str, Any]) -> dict[str, Any]:
        thread = {
            "id": self.new_id(),
            "type": body.get("type", 12),
            "guild_id": GUILD_ID,
            "parent_id": parent_id,
            "owner_id": BOT_ID,
            "name": body["name"],
            "last_message_id": None,
            "rate_limit_per_user": 0,
            "message_count": 0,
            "member_count": 1,
            "flags": 0,
            "thread_metadata": {
                "archived": False,
                "auto_archive_duration": body.get("auto_archive_duration", 10080),
                "archive_timestamp": "2025-11-20T10:00:00.000000+00:00",
                "locked": False,
                "invitable": body.get("invitable", True),
            },
        }
        self.threads[thread["id"]] = thread
        return thread

    def open_dm(self, user_id: str) -> str:
        """The DM channel with ``user_id``, as if the bot had opened it before."""
        return self._dm_channel(user_id)

    def _dm_channel(self, user_id: str) -> str:
        for channel_id, owner in self._dm_users.items():
            if owner == user_id:
                return channel_id
        channel_id = self.new_id()
        self._dm_users[channel_id] = user_id
        return channel_id

    def dm_channel_of(self, user_id: str) -> str | None:
        return next((c for c, u in self._dm_users.items() if u == user_id), None)

    def dm_user(self, channel_id: str) -> str | None:
        return self._dm_users.get(channel_id)

    def message(
        self, channel_id: str, body: dict[str, Any], message_id: str | None = None
    ) -> dict[str, Any]:
        return message_payload(
            message_id or self.new_id(),
            channel_id,
            BOT_USER,
            body.get("content") or "",
            flags=body.get("flags", 0),
            components=body.get("components", []),
        )


def _json(data: Any, status: int = 200, headers: dict[str, str] | None = None) -> web.Response:
    return web.Response(
        body=json.dumps(data).encode(),
        status=status,
        content_type="application/json",
        headers=headers,
    )
