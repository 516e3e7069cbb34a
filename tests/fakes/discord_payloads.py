"""The JSON shapes the Discord fake sends: ids of the one test server, its users, roles,
channels and messages, as the gateway and REST API document them."""

from __future__ import annotations

from typing import Any

APP_ID = "1400000000000000001"
BOT_ID = APP_ID
GUILD_ID = "1000000000000000001"
OWNER_ID = "1200000000000000100"
HELP_CHANNEL = "1100000000000000010"
GENERAL_CHANNEL = "1100000000000000011"
SUPPORT_CHANNEL = "1100000000000000012"
MOD_ROLE = "1000000000000000050"
MANAGER_ROLE = "1000000000000000060"
BOT_ROLE = "1000000000000000070"
EVERYONE_PERMISSIONS = 104324673
MANAGE_GUILD = 1 << 5
MANAGE_ROLES = 1 << 28
MANAGE_EVENTS = 1 << 33
BOT_ROLE_POSITION = 10

BOT_USER = {
    "id": BOT_ID,
    "username": "townhall",
    "global_name": "Townhall",
    "discriminator": "0",
    "avatar": None,
    "bot": True,
}


def user(user_id: str, name: str) -> dict[str, Any]:
    return {
        "id": user_id,
        "username": name,
        "global_name": name.title(),
        "discriminator": "0",
        "avatar": None,
    }


def guild_payload(
    members: list[dict[str, Any]],
    extra_roles: dict[str, tuple[str, int]] | None = None,
    bot_permissions: int = EVERYONE_PERMISSIONS | MANAGE_ROLES,
) -> dict[str, Any]:
    """GUILD_CREATE for the one test server: its roles (the bot's own at BOT_ROLE_POSITION,
    ``extra_roles`` as id → (name, position)), a help and a general channel."""
    roles = [
        _role(GUILD_ID, "@everyone", EVERYONE_PERMISSIONS),
        _role(MOD_ROLE, "Moderators", EVERYONE_PERMISSIONS),
        _role(MANAGER_ROLE, "Managers", EVERYONE_PERMISSIONS | MANAGE_GUILD),
        _role(BOT_ROLE, "Townhall", bot_permissions, BOT_ROLE_POSITION),
        *(
            _role(role_id, name, EVERYONE_PERMISSIONS, position)
            for role_id, (name, position) in (extra_roles or {}).items()
        ),
    ]
    channels = [
        _channel(HELP_CHANNEL, "help", 0),
        _channel(GENERAL_CHANNEL, "general", 1),
        _channel(SUPPORT_CHANNEL, "support", 2),
    ]
    return {
        "id": GUILD_ID,
        "name": "Townhall Test",
        "icon": None,
        "owner_id": OWNER_ID,
        "unavailable": False,
        "large": False,
        "member_count": len(members),
        "roles": roles,
        "channels": channels,
        "threads": [],
        "members": members,
        "presences": [],
        "voice_states": [],
        "emojis": [],
        "stickers": [],
        "features": [],
        "system_channel_id": GENERAL_CHANNEL,
        "preferred_locale": "en-US",
        "verification_level": 0,
        "default_message_notifications": 0,
        "explicit_content_filter": 0,
        "mfa_level": 0,
        "nsfw_level": 0,
        "premium_tier": 0,
        "afk_timeout": 300,
        "joined_at": "2025-01-01T00:00:00+00:00",
    }


def _role(role_id: str, name: str, permissions: int, position: int = 0) -> dict[str, Any]:
    return {
        "id": role_id,
        "name": name,
        "permissions": str(permissions),
        "position": position,
        "color": 0,
        "hoist": False,
        "managed": False,
        "mentionable": False,
        "flags": 0,
    }


def _channel(channel_id: str, name: str, position: int) -> dict[str, Any]:
    return {
        "id": channel_id,
        "type": 0,
        "name": name,
        "position": position,
        "permission_overwrites": [],
        "nsfw": False,
        "parent_id": None,
    }


def message_payload(
    message_id: str,
    channel_id: str,
    author: dict[str, Any],
    content: str,
    *,
    flags: int = 0,
    components: list[Any] | None = None,
) -> dict[str, Any]:
    """The MESSAGE_CREATE shape discord.py parses, whether the bot or a member wrote it."""
    return {
        "id": message_id,
        "channel_id": channel_id,
        "type": 0,
        "content": content,
        "author": author,
        "timestamp": "2025-11-20T10:00:00.000000+00:00",
        "edited_timestamp": None,
        "tts": False,
        "mention_everyone": False,
        "mentions": [],
        "mention_roles": [],
        "attachments": [],
        "embeds": [],
        "pinned": False,
        "flags": flags,
        "components": components or [],
    }
