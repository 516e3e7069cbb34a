"""Reading ``/event create TYPE TITLE | START [| OPTION ...]`` into a draft, or into what was
wrong with it (``Refusal``) so the organiser can fix it at once."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import dateparser

from core import zones

KINDS = {
    "webinar": "webinar",
    "ama": "ama",
    "challenge": "challenge",
    "meetup": "meetup",
    "conference": "conference",
    "workshop": "workshop",
    "研讨会": "webinar",
    "问答": "ama",
    "挑战": "challenge",
    "见面会": "meetup",
    "会议": "conference",
    "工作坊": "workshop",
}
SEPARATOR = re.compile(r"[|｜]")
STRICT = "%Y-%m-%d %H:%M"
DEFAULT_DURATION = timedelta(hours=1)
_DURATION = re.compile(r"^(\d+(?:\.\d+)?)\s*(m|min|mins|minutes?|h|hr|hrs|hours?|分钟|小时)$")
_CAP = re.compile(r"^(?:cap|上限|名额)\s*(-?\d+)$", re.IGNORECASE)
_AT = re.compile(r"^(?:at|地点|地址)\s+(.+)$", re.IGNORECASE | re.DOTALL)
_IN = re.compile(r"^(?:in|时区)\s+(.+)$", re.IGNORECASE)
RECURRENCES = {"weekly": "weekly", "monthly": "monthly", "每周": "weekly", "每月": "monthly"}
# dateparser reads "明天晚上8:00" but not "8点", nor "下周五" (next week's Friday).
_HOUR_CN = re.compile(r"(\d{1,2})\s*点\s*(?:(半)|(\d{1,2})\s*分?)?")
_NEXT_WEEK_CN = re.compile(r"下(?:个)?(?:周|星期|礼拜)([一二三四五六日天])")
WEEKDAYS_CN = "一二三四五六日"


@dataclass(frozen=True)
class Refusal(Exception):
    """``problem`` names what was wrong (templates word it); ``value`` is what was typed."""

    problem: str
    value: str = ""
    suggestions: tuple[str, ...] = ()


@dataclass(frozen=True)
class Draft:
    kind: str
    title: str
    starts_at: datetime
    duration: timedelta
    timezone: str
    capacity: int | None = None
    location: str | None = None
    recurrence: str | None = None


def kind_of(word: str) -> str:
    kind = KINDS.get(word.strip().lower())
    if kind is None:
        raise Refusal("kind", word)
    return kind


def duration_of(text: str) -> timedelta | None:
    found = _DURATION.match(text.strip().lower())
    if found is None:
        return None
    amount, unit = float(found.group(1)), found.group(2)
    minutes = amount if unit.startswith("m") or unit == "分钟" else amount * 60
    return timedelta(minutes=minutes) if minutes > 0 else None


def capacity_of(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise Refusal("cap", text) from None
    if value < 1:
        raise Refusal("cap", text)
    return value


def zone_of(text: str) -> str:
    found = zones.lookup(text)
    if found.zone is None:
        raise Refusal("zone", text.strip(), found.suggestions)
    return found.zone


def _chinese_normalised(text: str, today: date) -> str:
    """The two Chinese forms dateparser misses, rewritten into ones it reads: "8点" (半,
    "8点30分") as "8:00", and "下周五" as that date."""

    def hour(match: re.Match[str]) -> str:
        minutes = "30" if match.group(2) else f"{int(match.group(3) or 0):02d}"
        return f"{int(match.group(1))}:{minutes}"

    def next_week(match: re.Match[str]) -> str:
        weekday = WEEKDAYS_CN.index(match.group(1).replace("天", "日"))
        monday = today + timedelta(days=7 - today.weekday())
        return (monday + timedelta(days=weekday)).isoformat() + " "

    return _HOUR_CN.sub(hour, _NEXT_WEEK_CN.sub(next_week, text))


def start_of(text: str, zone_name: str, now: datetime) -> datetime:
    """An aware UTC start from ``YYYY-MM-DD HH:MM`` or words, read in ``zone_name``."""
    zone = ZoneInfo(zone_name)
    typed = text.strip()
    local_now = now.astimezone(zone).replace(tzinfo=None)
    try:
        local = datetime.strptime(typed, STRICT)
    except ValueError:
        parsed = dateparser.parse(
            _chinese_normalised(typed, local_now.date()),
            languages=["en", "zh"],
            settings={"RELATIVE_BASE": local_now, "PREFER_DATES_FROM": "future"},
        )
        if parsed is None:
            raise Refusal("start", typed) from None
        local = parsed.replace(tzinfo=None)
    start = local.replace(tzinfo=zone).astimezone(UTC)
    if start <= now:
        raise Refusal("past", typed)
    return start


def parse_create(text: str, now: datetime, default_zone: str) -> Draft:
    parts = [part.strip() for part in SEPARATOR.split(text)]
    head = parts[0].split(maxsplit=1)
    if not head:
        raise Refusal("kind")
    kind = kind_of(head[0])
    if len(head) < 2:
        raise Refusal("title")
    if len(parts) < 2 or not parts[1]:
        raise Refusal("start")
    title, start_text, options = head[1].strip()[:200], parts[1], [p for p in parts[2:] if p]
    duration, capacity, location, recurrence, zone_name = DEFAULT_DURATION, None, None, None, None
    for option in options:
        lowered = option.lower()
        if (found := duration_of(option)) is not None:
            duration = found
        elif (cap := _CAP.match(option)) is not None:
            capacity = capacity_of(cap.group(1))
        elif lowered.startswith(("cap", "上限", "名额")):
            raise Refusal("cap", option)
        elif (at := _AT.match(option)) is not None:
            location = at.group(1).strip()
        elif lowered in RECURRENCES:
            recurrence = RECURRENCES[lowered]
        elif (zone := _IN.match(option)) is not None:
            zone_name = zone_of(zone.group(1))
        else:
            raise Refusal("option", option)
    timezone = zone_name or default_zone
    return Draft(
        kind=kind,
        title=title,
        starts_at=start_of(start_text, timezone, now),
        duration=duration,
        timezone=timezone,
        capacity=capacity,
        location=location,
        recurrence=recurrence,
    )


def parse_fields(fields: dict[str, str], now: datetime, default_zone: str) -> Draft:
    """The same event from a form's fields (type, title, start, place, capacity)."""
    kind = kind_of(fields.get("kind", ""))
    title = fields.get("title", "").strip()[:200]
    if not title:
        raise Refusal("title")
    start = fields.get("start", "").strip()
    if not start:
        raise Refusal("start")
    capacity = fields.get("capacity", "").strip()
    return Draft(
        kind=kind,
        title=title,
        starts_at=start_of(start, default_zone, now),
        duration=DEFAULT_DURATION,
        timezone=default_zone,
        capacity=capacity_of(capacity) if capacity else None,
        location=fields.get("place", "").strip() or None,
    )
