"""The shape of config.toml: every key, its default and its rule.

config.example.toml documents the same keys for people; bot/config.py loads the file, adds
secrets from the environment and turns a validation error into one readable line.
"""

from __future__ import annotations

from typing import Annotated, Literal, get_args

from pydantic import BaseModel, ConfigDict, Field, SecretStr, field_validator

from core.features.faq.search import DEFAULT_MIN_CONFIDENCE
from core.locale import SUPPORTED

PlatformId = Annotated[str, Field(pattern=r"^(discord|telegram|console):\S+$")]
"""An account or a place, as "platform:id" (e.g. "telegram:-1001234567890")."""


class Section(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


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


class FaqSettings(Section):
    min_confidence: float = Field(default=DEFAULT_MIN_CONFIDENCE["latin"], ge=0.0, le=1.0)
    min_confidence_cjk: float = Field(default=DEFAULT_MIN_CONFIDENCE["cjk"], ge=0.0, le=1.0)
    auto_answer_min_confidence: float = Field(default=0.7, ge=0.0, le=1.0)
    help_channels: list[str] = Field(default_factory=list)
    max_question_length: int = Field(default=1000, ge=50, le=4000)
    review_place: PlatformId | None = None

    @property
    def thresholds(self) -> dict[str, float]:
        """``min_confidence`` for Latin-script entries, ``min_confidence_cjk`` for Chinese."""
        return {"latin": self.min_confidence, "cjk": self.min_confidence_cjk}


class LocaleSettings(Section):
    default: str = "en"

    @field_validator("default")
    @classmethod
    def supported(cls, value: str) -> str:
        if value not in SUPPORTED:
            raise ValueError(f"must be one of {', '.join(SUPPORTED)}")
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


Priority = Literal["low", "medium", "high", "urgent"]
PRIORITIES: tuple[Priority, ...] = get_args(Priority)


class TierSettings(Section):
    """A member tier (paying customers, partners): its accounts' tickets start at least at
    ``priority``; keywords may still raise it."""

    priority: Priority
    members: list[PlatformId] = Field(default_factory=list)


class TicketSettings(Section):
    """The support desk: where staff work, how fast they should answer, when to give up."""

    staff_places: list[PlatformId] = Field(default_factory=list)
    staff_names_visible: bool = False
    first_response_hours: dict[str, float] = Field(
        default_factory=lambda: {"urgent": 1.0, "high": 2.0, "medium": 4.0, "low": 24.0}
    )
    resolution_hours: dict[str, float] = Field(
        default_factory=lambda: {"urgent": 24.0, "high": 48.0, "medium": 72.0, "low": 168.0}
    )
    priority_keywords: dict[str, list[str]] = Field(
        default_factory=lambda: {
            "urgent": ["down", "outage", "data loss", "宕机", "无法访问", "数据丢失"],
            "high": ["can't log in", "cannot log in", "payment", "charged", "无法登录", "付款"],
            "low": ["suggestion", "typo", "建议", "错别字"],
        }
    )
    tiers: dict[str, TierSettings] = Field(default_factory=dict)
    reopen_days: int = Field(default=7, ge=0)
    inactive_warn_days: float = Field(default=3, gt=0)
    inactive_close_days: float = Field(default=5, gt=0)
    csat_question: dict[str, str] = Field(default_factory=dict)

    @field_validator("first_response_hours", "resolution_hours", "priority_keywords")
    @classmethod
    def known_priorities(cls, value: dict[str, object]) -> dict[str, object]:
        unknown = set(value) - set(PRIORITIES)
        if unknown:
            raise ValueError(f"priorities are {', '.join(PRIORITIES)}, not {', '.join(unknown)}")
        return value


class WelcomeSettings(Section):
    """Where newcomers are greeted: where they joined, unless a channel is named here."""

    enabled: bool = True
    discord_channel_id: str = Field(default="", pattern=r"^\d*$")
    telegram_chat_id: str = Field(default="", pattern=r"^-?\d*$")


class OutboxSettings(Section):
    max_attempts: int = Field(default=8, ge=1, le=50)


class FeedbackSettings(Section):
    similar_limit: int = Field(default=3, ge=1, le=5)
    similar_min_score: float = Field(default=0.5, ge=0.0, le=1.0)
    list_limit: int = Field(default=10, ge=1, le=25)
    themes_days: int = Field(default=30, ge=1, le=365)
    themes_max_distance: float = Field(default=0.9, gt=0.0, lt=1.0)
    themes_min_size: int = Field(default=2, ge=2, le=100)
    max_themes: int = Field(default=10, ge=1, le=25)
    themes_max_texts: int = Field(default=5000, ge=10, le=20000)


class Settings(Section):
    database: DatabaseSettings = DatabaseSettings()
    knowledge: KnowledgeSettings = KnowledgeSettings()
    faq: FaqSettings = FaqSettings()
    locale: LocaleSettings = LocaleSettings()
    roles: RolesSettings = RolesSettings()
    discord: DiscordSettings = DiscordSettings()
    telegram: TelegramSettings = TelegramSettings()
    outbox: OutboxSettings = OutboxSettings()
    tickets: TicketSettings = TicketSettings()
    welcome: WelcomeSettings = WelcomeSettings()
    feedback: FeedbackSettings = FeedbackSettings()
