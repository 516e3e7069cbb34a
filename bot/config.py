"""Loading config.toml: secrets from the environment, and one clear line per mistake."""

from __future__ import annotations

import os
import tomllib
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from bot.features import settings_model
from core.settings import LOCATED, Settings

DEFAULT_PATH = Path("config.toml")
SECRET_ENV = {
    ("discord", "token"): "TOWNHALL_DISCORD_TOKEN",
    ("telegram", "token"): "TOWNHALL_TELEGRAM_TOKEN",
}


class ConfigError(Exception):
    """Start-up stops with this one line: file, key, value and the rule it breaks."""


def load(
    path: Path | None = None,
    environ: dict[str, str] | None = None,
    *,
    knowledge: bool = True,
) -> Settings:
    """``path`` if given, else ./config.toml when present, else built-in defaults; the
    knowledge folder must exist unless the command never reads it (``knowledge=False``)."""
    environ = dict(os.environ) if environ is None else environ
    chosen = path or (DEFAULT_PATH if DEFAULT_PATH.exists() else None)
    data: dict[str, Any] = {}
    shown = str(chosen) if chosen else "built-in defaults"
    if chosen is not None:
        try:
            with chosen.open("rb") as handle:
                data = tomllib.load(handle)
        except FileNotFoundError:
            raise ConfigError(f"{chosen}: file not found") from None
        except tomllib.TOMLDecodeError as error:
            raise ConfigError(f"{chosen}: not valid TOML ({error})") from None
    for (section, key), variable in SECRET_ENV.items():
        if environ.get(variable):
            data.setdefault(section, {})[key] = environ[variable]
            data[section].setdefault("enabled", True)
    try:
        settings = settings_model().model_validate(data)
    except ValidationError as error:
        raise ConfigError(_one_line(shown, error)) from None
    for section in ("discord", "telegram"):
        platform = getattr(settings, section)
        if platform.enabled and not platform.token.get_secret_value():
            variable = SECRET_ENV[(section, "token")]
            raise ConfigError(
                f"{shown}: [{section}] enabled = true but no token: set {variable} "
                f"or [{section}] token"
            )
    if knowledge and not Path(settings.knowledge.dir).is_dir():
        raise ConfigError(
            f"{shown}: [knowledge] dir = {settings.knowledge.dir!r}: no such folder "
            f"(relative paths start at {Path.cwd()})"
        )
    return settings


def _one_line(shown: str, error: ValidationError) -> str:
    first = error.errors()[0]
    if first["type"] == LOCATED:
        return f"{shown}: {first['msg']}"
    location = first["loc"]
    key = ".".join(str(part) for part in location)
    if len(location) > 1:
        key = f"[{'.'.join(str(p) for p in location[:-1])}] {location[-1]}"
    value = first.get("input")
    rule = first["msg"].removeprefix("Value error, ")
    if first["type"] == "extra_forbidden":
        return f"{shown}: {key} is not a known key (see config.example.toml)"
    if "token" in key:
        value = "***"
    return f"{shown}: {key} = {value!r}: {rule}"
