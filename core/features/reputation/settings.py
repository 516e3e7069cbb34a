"""The ``[reputation]`` section: what each kind of help earns and the anti-farming limits."""

from __future__ import annotations

from pydantic import Field, field_validator

from core.locale import SUPPORTED
from core.settings import Section


class Tier(Section):
    """One ``[[reputation.tiers]]``: a rank members reach at ``min_reputation`` points."""

    name: dict[str, str]
    min_reputation: int = Field(ge=0)
    perks: dict[str, str] = Field(default_factory=dict)
    discord_role_id: str = Field(default="", pattern=r"^(\d+)?$")

    @field_validator("name", "perks")
    @classmethod
    def english_and_known(cls, value: dict[str, str]) -> dict[str, str]:
        unknown = set(value) - set(SUPPORTED)
        if unknown:
            raise ValueError(f"unknown language {sorted(unknown)[0]!r}: use {', '.join(SUPPORTED)}")
        if value and "en" not in value:
            raise ValueError("needs an en text (the others fall back to it)")
        return value

    def text(self, field: dict[str, str], locale: str) -> str:
        return field.get(locale) or field.get("en", "")


DEFAULT_TIERS = (
    Tier(name={"en": "Newcomer", "zh-CN": "新人"}, min_reputation=0),
    Tier(
        name={"en": "Member", "zh-CN": "成员"},
        min_reputation=50,
        perks={"en": "Your thanks and votes count", "zh-CN": "你的感谢和投票会被计入"},
    ),
    Tier(
        name={"en": "Contributor", "zh-CN": "贡献者"},
        min_reputation=250,
        perks={"en": "A Contributor role and early news", "zh-CN": "贡献者身份组和抢先消息"},
    ),
    Tier(
        name={"en": "Core", "zh-CN": "核心成员"},
        min_reputation=1000,
        perks={"en": "Invitations to the ambassador programme", "zh-CN": "受邀加入大使计划"},
    ),
)


class ReputationSettings(Section):
    enabled: bool = True
    topic_points: int = Field(default=5, ge=0, le=1000)
    reply_points: int = Field(default=2, ge=0, le=1000)
    message_points: int = Field(default=1, ge=0, le=1000)
    message_cooldown_seconds: int = Field(default=60, ge=0, le=86400)
    thanks_points: int = Field(default=10, ge=0, le=1000)
    give_points: int = Field(default=10, ge=0, le=1000)
    solution_points: int = Field(default=15, ge=0, le=1000)
    event_points: int = Field(default=20, ge=0, le=1000)
    feedback_shipped_points: int = Field(default=20, ge=0, le=1000)
    thanks_reactions: list[str] = Field(default_factory=lambda: ["👍", "❤️", "🙏"])
    ignore_places: list[str] = Field(default_factory=list)
    max_thanks_given_per_day: int = Field(default=5, ge=0, le=1000)
    max_message_points_per_day: int = Field(default=50, ge=0, le=100000)
    min_account_days: float = Field(default=3, ge=0, le=365)
    min_messages_to_give: int = Field(default=10, ge=0, le=10000)
    pair_hours: float = Field(default=24, ge=0, le=24 * 30)
    same_text_minutes: float = Field(default=10, ge=0, le=24 * 60)
    min_message_chars: int = Field(default=3, ge=0, le=100)
    ring_max_thanks: int = Field(default=3, ge=1, le=1000)
    ring_days: float = Field(default=7, ge=1, le=90)
    history_limit: int = Field(default=10, ge=1, le=50)
    announce_place: str = Field(default="", pattern=r"^((discord|telegram|console):\S+)?$")
    tiers: tuple[Tier, ...] = DEFAULT_TIERS

    @field_validator("tiers")
    @classmethod
    def climbing_from_zero(cls, tiers: tuple[Tier, ...]) -> tuple[Tier, ...]:
        minimums = [tier.min_reputation for tier in tiers]
        if not tiers or minimums[0] != 0:
            raise ValueError("the first tier starts at min_reputation = 0")
        if minimums != sorted(set(minimums)):
            raise ValueError("each tier needs a higher min_reputation than the one before")
        return tiers
