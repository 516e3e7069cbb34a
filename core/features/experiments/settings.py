"""``[[experiments]]`` in config.toml: each A/B test of one message a member is sent.

An experiment names the message it varies (``message``), its variants and their weights, the
share of members held out (sent nothing, so a message's lift is measured, not assumed), what
counts as a conversion and within how many days of the message, and the smallest difference
worth finding (``min_detectable_effect``), which sets how many members each variant needs
before the report calls anything.

A variant is a Jinja2 file a founder writes, one per language:
``<folder>/<locale>/<variant>.j2`` (``folder`` defaults to ``templates/experiments/<name>``,
relative to where the bot runs, like ``knowledge/``); it is given the same data as the
message it replaces. The variant named ``original`` is the message as the feature writes it
and needs no file. A missing file stops start-up with one line naming it.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from core.locale import SUPPORTED
from core.settings import Section, entries

Message = Literal["winback", "welcome", "onboarding_nudge", "event_reminder"]
"""The messages an experiment may vary; each is sent by the feature that owns it."""

ORIGINAL = "original"
"""The variant that is the message as its feature writes it (no file)."""

HOLDOUT = "holdout"
"""What a held-out member is recorded as: assigned, sent nothing."""

NAME = r"^[a-z0-9][a-z0-9_-]{0,39}$"


class Experiment(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    name: str = Field(pattern=NAME)
    message: Message
    variants: list[str] = Field(min_length=1, max_length=10)
    weights: list[float] = Field(default_factory=list)
    """One per variant, in any unit (``[1, 1]`` and ``[50, 50]`` are the same); equal if
    omitted."""
    holdout: float = Field(default=0.0, ge=0.0, lt=1.0)
    """The share of members sent nothing, before the variants share the rest."""
    conversion: str = Field(default="active", pattern=r"^[a-z_]{1,40}$")
    """``active``: anything the member does (a message, a command, a button); ``message``: a
    message they write in a community place; any other word is a feature's name (``events``,
    ``faq``, ``tickets``, ``feedback``...): something that feature answered for them."""
    convert_days: float = Field(default=7.0, gt=0, le=90)
    min_detectable_effect: float = Field(default=0.05, gt=0, lt=1)
    """The smallest difference in conversion rate worth finding (0.05: 5 points)."""
    folder: str = ""

    @model_validator(mode="after")
    def _checked(self) -> Experiment:
        if len(set(self.variants)) != len(self.variants):
            raise ValueError("variants: each name once")
        for variant in self.variants:
            if variant == HOLDOUT or re.fullmatch(NAME, variant) is None:
                raise ValueError(f"variant {variant!r}: a word of a-z, 0-9, - or _, not holdout")
        if self.weights and len(self.weights) != len(self.variants):
            raise ValueError("weights: one per variant")
        if any(w <= 0 for w in self.weights):
            raise ValueError("weights: each above 0")
        for variant in self.variants:
            if variant == ORIGINAL:
                continue
            for locale in SUPPORTED:
                path = self.variant_file(variant, locale)
                if not path.is_file():
                    raise ValueError(f"variant {variant!r} has no file {path}")
        return self

    @property
    def directory(self) -> Path:
        return Path(self.folder or f"templates/experiments/{self.name}")

    def variant_file(self, variant: str, locale: str) -> Path:
        return self.directory / locale / f"{variant}.j2"

    @property
    def shares(self) -> dict[str, float]:
        """Each variant's share of all members (the holdout takes its own first)."""
        weights = self.weights or [1.0] * len(self.variants)
        total = sum(weights)
        return {
            v: (1 - self.holdout) * w / total for v, w in zip(self.variants, weights, strict=True)
        }


class ExperimentsSettings(Section):
    experiments: tuple[Experiment, ...] = ()

    @model_validator(mode="before")
    @classmethod
    def _from_list(cls, data: Any) -> Any:
        """``[[experiments]]`` is a list of tables; a mistake names its experiment."""
        if not isinstance(data, list):
            return data
        twice = "a second experiment with this name"
        return {"experiments": entries(data, Experiment, "experiments", "name", twice)}

    def named(self, name: str) -> Experiment | None:
        return next((e for e in self.experiments if e.name == name), None)
