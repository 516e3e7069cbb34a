"""The shape of config.toml: the core's sections; each feature adds its own.

A feature's section (``[tickets]``, ``[faq]``...) is declared in its package and named in its
``Feature``; ``bot.features.settings_model`` puts them together, so a wrong key in any section
is still one clear line at start.

config.example.toml documents the same keys for people; bot/config.py loads the file, adds
secrets from the environment and turns a validation error into one readable line.
"""

from __future__ import annotations

from typing import Annotated, Any, TypeVar
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import BaseModel, ConfigDict, Field, SecretStr, ValidationError, field_validator
from pydantic_core import PydanticCustomError

from core.locale import SUPPORTED

PlatformId = Annotated[str, Field(pattern=r"^(discord|telegram|console):\S+$")]
"""An account or a place, as "platform:id" (e.g. "telegram:-1001234567890")."""


LOCATED = "located"


def located(line: str) -> PydanticCustomError:
    """A mistake whose message names its own place in the file (a ``[[badges]]`` entry by its
    id, not its position in a list): shown as it is, after the file's name."""
    return PydanticCustomError(LOCATED, line)


M = TypeVar("M", bound=BaseModel)


def entries(data: list[Any], kind: type[M], table: str, key: str, twice: str) -> tuple[M, ...]:
    """``[[table]]`` (a list of tables) checked entry by entry, so a mistake names its entry
    by its ``key`` rather than a position in a list; ``twice`` says what is wrong with a
    second entry with the same ``key``."""
    seen: set[object] = set()
    found: list[M] = []
    for number, entry in enumerate(data, start=1):
        which = f'"{entry[key]}"' if isinstance(entry, dict) and key in entry else f"#{number}"
        try:
            item = kind.model_validate(entry)
        except ValidationError as error:
            first = error.errors()[0]
            where = ".".join(str(part) for part in first["loc"])
            problem = first["msg"].removeprefix("Value error, ")
            raise located(
                f"[[{table}]] {which}: {where + ': ' if where else ''}{problem}"
            ) from None
        if getattr(item, key) in seen:
            raise located(f"[[{table}]] {which}: {twice}")
        seen.add(getattr(item, key))
        found.append(item)
    return tuple(found)


class Section(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


S = TypeVar("S", bound=Section)


class DatabaseSettings(Section):
    url: str = "sqlite+aiosqlite:///data/townhall.db"

    @field_validator("url")
    @classmethod
    def async_driver(cls, value: str) -> str:
        if not value.startswith(("sqlite+aiosqlite://", "postgresql+asyncpg://")):
            raise ValueError("must start with sqlite+aiosqlite:// or postgresql+asyncpg://")
        return value


class KnowledgeSettings(Section):
    dir: str = "knowledge"


class LocaleSettings(Section):
    default: str = "en"
    timezone: str = "UTC"
    """The community's time zone (IANA): where its calendar days begin and end."""

    @field_validator("default")
    @classmethod
    def supported(cls, value: str) -> str:
        if value not in SUPPORTED:
            raise ValueError(f"must be one of {', '.join(SUPPORTED)}")
        return value

    @field_validator("timezone")
    @classmethod
    def known_zone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError("must be an IANA time zone such as Europe/Berlin or UTC") from None
        return value


class RolesSettings(Section):
    moderators: list[PlatformId] = Field(default_factory=list)
    founders: list[PlatformId] = Field(default_factory=list)


class DiscordSettings(Section):
    enabled: bool = False
    token: SecretStr = SecretStr("")
    api_base_url: str = "https://discord.com/api/v10"
    gateway_url: str = "wss://gateway.discord.gg"
    moderator_role_ids: list[str] = Field(default_factory=list)
    shards: int | None = Field(default=None, ge=1)
    guild_ready_timeout: float = Field(default=2.0, gt=0)


class TelegramSettings(Section):
    enabled: bool = False
    token: SecretStr = SecretStr("")
    base_url: str = "https://api.telegram.org/bot"
    webhook_url: str = ""
    webhook_listen: str = "127.0.0.1:8443"
    admin_cache_seconds: int = Field(default=600, ge=0)


class OutboxSettings(Section):
    max_attempts: int = Field(default=8, ge=1, le=50)


class Settings(Section):
    database: DatabaseSettings = DatabaseSettings()
    knowledge: KnowledgeSettings = KnowledgeSettings()
    locale: LocaleSettings = LocaleSettings()
    roles: RolesSettings = RolesSettings()
    discord: DiscordSettings = DiscordSettings()
    telegram: TelegramSettings = TelegramSettings()
    outbox: OutboxSettings = OutboxSettings()

    def section(self, kind: type[S]) -> S:
        """A feature's own section (``Feature.settings``); its defaults when these settings
        were built without the features (an adapter's test)."""
        for name in type(self).model_fields:
            value = getattr(self, name)
            if type(value) is kind:
                return value
        return kind()
