"""The ``[welcome]`` section of config.toml."""

from __future__ import annotations

from pydantic import Field

from core.settings import Section


class WelcomeSettings(Section):
    """Where newcomers are greeted: where they joined, unless a channel is named here."""

    enabled: bool = True
    discord_channel_id: str = Field(default="", pattern=r"^\d*$")
    telegram_chat_id: str = Field(default="", pattern=r"^-?\d*$")
