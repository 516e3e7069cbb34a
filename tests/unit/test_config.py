"""Configuration mistakes stop start-up with one line naming the key and the rule."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from bot.config import ConfigError, load
from core.settings import Settings


def _write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "config.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_example_config_is_valid() -> None:
    settings = load(Path(__file__).resolve().parents[2] / "config.example.toml", environ={})
    assert settings.locale.default == "en"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "[faq]\nmin_confidence = 2\n",
            "[faq] min_confidence = 2: Input should be less than or equal to 1",
        ),
        ("[locale]\ndefault = 'fr'\n", "[locale] default = 'fr': must be one of en, zh-CN"),
        ("[faq]\nmin_confidense = 0.5\n", "[faq] min_confidense is not a known key"),
        ("[database]\nurl = 'mysql://x'\n", "[database] url = 'mysql://x': must start with"),
        ("[faq\n", "not valid TOML"),
        ("[knowledge]\ndir = 'no/such/folder'\n", "[knowledge] dir = 'no/such/folder': no such"),
    ],
)
def test_bad_values_name_file_key_value_and_rule(tmp_path: Path, text: str, expected: str) -> None:
    path = _write(tmp_path, text)
    with pytest.raises(ConfigError) as error:
        load(path, environ={})
    message = str(error.value)
    assert message.startswith(str(path))
    assert expected in message
    assert "\n" not in message


def test_tokens_come_from_the_environment_and_enable_the_platform(tmp_path: Path) -> None:
    settings = load(_write(tmp_path, ""), environ={"TOWNHALL_TELEGRAM_TOKEN": "123:abc"})
    assert settings.telegram.enabled
    assert settings.telegram.token.get_secret_value() == "123:abc"
    assert "123:abc" not in repr(settings)


def test_enabled_platform_without_token_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match=r"\[discord\] enabled = true but no token"):
        load(_write(tmp_path, "[discord]\nenabled = true\n"), environ={})


def test_missing_file_is_one_line(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="file not found"):
        load(tmp_path / "nope.toml", environ={})


def test_example_config_documents_every_setting() -> None:
    """Each key of each section appears in config.example.toml, set or commented out."""
    text = (Path(__file__).resolve().parents[2] / "config.example.toml").read_text()
    sections = re.split(r"^\[([\w.]+)\]\s*$", text, flags=re.MULTILINE)
    documented: dict[str, str] = {}
    for name, body in zip(sections[1::2], sections[2::2], strict=True):
        section, _, table = name.partition(".")
        documented[section] = documented.get(section, "") + body + (f"\n{table} =" if table else "")
    missing = [
        f"[{section}] {key}"
        for section, field in Settings.model_fields.items()
        for key in field.annotation.model_fields  # type: ignore[union-attr]
        if not re.search(rf"^#? ?{key} =", documented.get(section, ""), flags=re.MULTILINE)
    ]
    assert missing == []
