"""``[[badges]]`` in config.toml: each badge's id, emoji, name and description per language,
and the rule that earns it.

Every rule is parsed when the config is read, so a bad one stops start-up with one line
naming the badge and what is wrong with it. Two badges exist without config, for other
features to award by hand: ``ambassador`` (the ambassador programme) and ``onboarded``
(finishing the welcome); their names come from the catalogues, and a ``[[badges]]`` entry
with the same id replaces them.
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field, PrivateAttr, model_validator

from core.features.badges.figures import FIGURES
from core.features.badges.rules import Rule, RuleError, parse
from core.locale import SUPPORTED
from core.settings import Section, entries

BUILTIN_EMOJI = {"ambassador": "🌟", "onboarded": "🎒"}
"""The badges with no rule that exist whatever the config says."""


class Badge(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    id: str = Field(pattern=r"^[a-z0-9][a-z0-9_-]{0,39}$")
    emoji: str = Field(min_length=1, max_length=16)
    name: dict[str, str] = Field(default_factory=dict)
    description: dict[str, str] = Field(default_factory=dict)
    rule: str = ""
    """Empty: given by hand (``/badge give``) or by another feature, never by a rule."""
    _parsed: Rule | None = PrivateAttr(default=None)

    @model_validator(mode="after")
    def _checked(self) -> Badge:
        for texts in (self.name, self.description):
            strangers = [language for language in texts if language not in SUPPORTED]
            if strangers:
                raise ValueError(f"unknown language {strangers[0]!r} (use {', '.join(SUPPORTED)})")
        if self.id not in BUILTIN_EMOJI and "en" not in self.name:
            raise ValueError('needs a name in English: name = { en = "...", ... }')
        if self.rule.strip():
            try:
                self._parsed = parse(self.rule, FIGURES)
            except RuleError as error:
                raise ValueError(f"rule {self.rule[:80]!r}: {error}") from None
        return self

    @property
    def parsed(self) -> Rule | None:
        return self._parsed

    @property
    def builtin(self) -> bool:
        """Named by the catalogues rather than the config."""
        return self.id in BUILTIN_EMOJI and not self.name


class BadgesSettings(Section):
    badges: tuple[Badge, ...] = ()

    @model_validator(mode="before")
    @classmethod
    def _from_list(cls, data: Any) -> Any:
        """``[[badges]]`` is a list of tables; each is checked here so a mistake names its
        badge rather than a position in a list."""
        if not isinstance(data, list):
            return data
        return {"badges": entries(data, Badge, "badges", "id", "the id is used by another badge")}

    def all(self) -> tuple[Badge, ...]:
        """The configured badges, then the built-ins the config does not replace."""
        configured = {badge.id for badge in self.badges}
        builtins = tuple(
            Badge(id=badge_id, emoji=emoji)
            for badge_id, emoji in BUILTIN_EMOJI.items()
            if badge_id not in configured
        )
        return self.badges + builtins

    def find(self, badge_id: str) -> Badge | None:
        return next((badge for badge in self.all() if badge.id == badge_id), None)

    def ruled(self) -> tuple[Badge, ...]:
        return tuple(badge for badge in self.badges if badge.parsed is not None)
