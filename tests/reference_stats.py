"""An independent count of the analytics figures, straight from the raw activity rows.

Written from the definitions in the README, sharing no code with the rollups
(``core/features/analytics``): plain sets of days per member, no bits, no day numbers, no
incremental anything. ``townhall stats --json`` must agree with it exactly.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

ACTIVE = {"message", "command", "action"}


@dataclass(frozen=True)
class Row:
    member_id: int
    platform: str
    kind: str
    at: datetime


def _range(start: date, end: date) -> list[date]:
    return [start + timedelta(days=n) for n in range((end - start).days + 1)]


def count(
    rows: Iterable[Row],
    *,
    zone: str,
    start: date,
    end: date,
    today: date,
    answered: dict[int, datetime],
    onboarded: dict[int, datetime],
) -> dict[str, Any]:
    """The JSON ``townhall stats --json --from start --to end`` should print, for the keys
    it shares: dau, wau, mau, new_members, retention, funnel, and per platform the same."""
    tz = ZoneInfo(zone)
    active: dict[str, dict[int, set[date]]] = defaultdict(lambda: defaultdict(set))
    join_events: dict[str, dict[int, date]] = defaultdict(dict)
    messages: dict[str, dict[int, date]] = defaultdict(dict)
    for row in rows:
        day = row.at.astimezone(tz).date()
        if row.kind == "member_joined":
            seen = join_events[row.platform].get(row.member_id)
            join_events[row.platform][row.member_id] = min(seen or day, day)
        if row.kind in ACTIVE:
            for where in (row.platform, "all"):
                active[where][row.member_id].add(day)
        if row.kind == "message":
            for where in (row.platform, "all"):
                seen = messages[where].get(row.member_id)
                messages[where][row.member_id] = min(seen or day, day)
    platforms = sorted((set(active) | set(join_events)) - {"all"})
    joined: dict[str, dict[int, date]] = {}
    for platform in platforms:
        joined[platform] = {}
        for member in set(active[platform]) | set(join_events[platform]):
            days = active[platform].get(member, set())
            joined[platform][member] = join_events[platform].get(member) or min(days)
    everyone: dict[int, date] = {}
    for platform in platforms:
        for member, day in joined[platform].items():
            everyone[member] = min(everyone.get(member, day), day)
    joined["all"] = everyone

    def figures(where: str) -> dict[str, Any]:
        days_of = active[where]
        window = _range(start, end)

        def distinct(day: date, span: int) -> int:
            wanted = {day - timedelta(days=n) for n in range(span)}
            return sum(1 for days in days_of.values() if days & wanted)

        retention: dict[str, Any] = {}
        for cohort in window:
            members = [m for m, d in joined[where].items() if d == cohort]
            if not members:
                continue
            shares: dict[str, float | None] = {}
            for n in (1, 7, 30):
                later = cohort + timedelta(days=n)
                if later > end or later >= today:
                    shares[f"d{n}"] = None
                else:
                    back = sum(1 for m in members if later in days_of.get(m, set()))
                    shares[f"d{n}"] = back / len(members)
            retention[cohort.isoformat()] = {"size": len(members), **shares}
        return {
            "dau": {d.isoformat(): distinct(d, 1) for d in window},
            "wau": {d.isoformat(): distinct(d, 7) for d in window},
            "mau": {d.isoformat(): distinct(d, 30) for d in window},
            "new_members": {
                d.isoformat(): sum(1 for j in joined[where].values() if j == d) for d in window
            },
            "retention": retention,
            "funnel": funnel(where, days_of),
        }

    def funnel(where: str, days_of: dict[int, set[date]]) -> list[dict[str, Any]]:
        new = [m for m, d in joined[where].items() if start <= d <= end]
        wrote = [m for m in new if m in messages[where] and messages[where][m] <= end]
        got = [m for m in wrote if m in answered and answered[m].astimezone(tz).date() <= end]
        done = [m for m in got if m in onboarded and onboarded[m].astimezone(tz).date() <= end]

        def second_week(member: int) -> bool:
            first = joined[where][member]
            week = {first + timedelta(days=n) for n in range(7, 14)}
            return any(d <= end for d in days_of.get(member, set()) & week)

        stayed = [m for m in done if second_week(m)]
        steps = [
            ("joined", new),
            ("first_message", wrote),
            ("question_answered", got),
            ("onboarding_done", done),
            ("active_week_2", stayed),
        ]
        out: list[dict[str, Any]] = []
        for index, (name, members) in enumerate(steps):
            before = len(steps[index - 1][1]) if index else 0
            kept = len(members) / before if index and before else None
            out.append({"step": name, "members": len(members), "kept": kept})
        return out

    report = figures("all")
    report["platforms"] = {p: figures(p) for p in platforms}
    return report
