"""Where a member's arrival is acknowledged. The full onboarding flow comes later."""

from __future__ import annotations

from core.events import Place, PlaceKind, Platform
from core.features.lifecycle.settings import WelcomeSettings


def welcome_place(joined: Place, settings: WelcomeSettings) -> Place | None:
    """The platform's configured welcome channel, else where they joined; None for nowhere.

    A Discord server without a system channel reports the server itself as the place, and a
    server is not somewhere a message can be posted.
    """
    if not settings.enabled:
        return None
    if joined.platform is Platform.DISCORD and settings.discord_channel_id:
        return Place(
            Platform.DISCORD, settings.discord_channel_id, PlaceKind.CHANNEL, joined.guild_id
        )
    if joined.platform is Platform.TELEGRAM and settings.telegram_chat_id:
        return Place(Platform.TELEGRAM, settings.telegram_chat_id, PlaceKind.GROUP)
    if joined.guild_id is not None and joined.chat_id == joined.guild_id:
        return None
    return joined


def welcome_key(member_id: int, joined: Place) -> str:
    """Once per member and server or group: leaving and coming back is not news."""
    return f"welcome:{member_id}:{joined.platform.value}:{joined.guild_id or joined.chat_id}"
