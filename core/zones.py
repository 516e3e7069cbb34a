"""Time zones as people type them: IANA names ("Europe/Berlin") or a city ("berlin", "北京")."""

from __future__ import annotations

import difflib
from dataclasses import dataclass
from functools import cache
from zoneinfo import available_timezones

CHINESE_CITIES = {
    "北京": "Asia/Shanghai",
    "上海": "Asia/Shanghai",
    "深圳": "Asia/Shanghai",
    "广州": "Asia/Shanghai",
    "香港": "Asia/Hong_Kong",
    "台北": "Asia/Taipei",
    "新加坡": "Asia/Singapore",
    "东京": "Asia/Tokyo",
    "首尔": "Asia/Seoul",
    "伦敦": "Europe/London",
    "巴黎": "Europe/Paris",
    "柏林": "Europe/Berlin",
    "纽约": "America/New_York",
    "洛杉矶": "America/Los_Angeles",
    "旧金山": "America/Los_Angeles",
    "悉尼": "Australia/Sydney",
}
"""IANA names cities by their English name; the cities Chinese speakers name most often."""

ALIASES = {"beijing": "Asia/Shanghai", "san francisco": "America/Los_Angeles", "utc": "UTC"}


@dataclass(frozen=True)
class ZoneLookup:
    """``zone`` when the name was understood, else up to three ``suggestions``."""

    zone: str | None
    suggestions: tuple[str, ...] = ()


@cache
def _names() -> dict[str, str]:
    """Every way to name a zone, lower-cased, to its IANA name."""
    names: dict[str, str] = {}
    for zone in available_timezones():
        if zone.startswith(("Etc/", "SystemV/")) or zone.upper() == zone:
            continue
        names[zone.lower()] = zone
        city = zone.rsplit("/", 1)[-1].replace("_", " ").lower()
        names.setdefault(city, zone)
    names.update(ALIASES)
    names.update(CHINESE_CITIES)
    return names


def lookup(text: str) -> ZoneLookup:
    typed = " ".join(text.strip().replace("_", " ").split()).lower()
    names = _names()
    exact = names.get(typed) or names.get(typed.replace(" ", "_"))
    if exact is None:
        exact = names.get(text.strip().lower())
    if exact is not None:
        return ZoneLookup(exact)
    close = difflib.get_close_matches(typed, list(names), n=6, cutoff=0.6)
    suggestions = tuple(dict.fromkeys(names[name] for name in close))[:3]
    return ZoneLookup(None, suggestions)
