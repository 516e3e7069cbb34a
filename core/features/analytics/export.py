"""The figures as data for the shell: ``townhall stats --json`` and the CSV export.

The JSON keys are documented in the README ("Analytics and the daily digest"); a day is
"YYYY-MM-DD" in the community's time zone.
"""

from __future__ import annotations

import csv
import io
from dataclasses import asdict
from datetime import date
from typing import Any

from core.features.analytics.activity import ALL, PlatformActivity
from core.features.analytics.service import Kpis

SERIES = ("dau", "wau", "mau", "new_members", "churned")


def _by_day(values: dict[date, Any]) -> dict[str, Any]:
    return {day.isoformat(): value for day, value in values.items()}


def activity_json(figures: PlatformActivity) -> dict[str, Any]:
    return {
        **{name: _by_day(getattr(figures, name)) for name in SERIES},
        "stickiness": _by_day(figures.stickiness),
        "retention": {
            cohort.day.isoformat(): {
                "size": cohort.size,
                "d1": cohort.d1,
                "d7": cohort.d7,
                "d30": cohort.d30,
            }
            for cohort in figures.cohorts
        },
        "activation": figures.activation_rate,
        "funnel": [
            {"step": step.name, "members": step.members, "kept": step.kept}
            for step in figures.funnel
        ],
    }


def kpis_json(kpis: Kpis, timezone: str) -> dict[str, Any]:
    """Everyone together at the top level; each platform under "platforms"."""
    return {
        "from": kpis.start.isoformat(),
        "to": kpis.end.isoformat(),
        "today": kpis.today.isoformat(),
        "timezone": timezone,
        **activity_json(kpis.together),
        "platforms": {
            name: activity_json(figures)
            for name, figures in sorted(kpis.platforms.items())
            if name != ALL
        },
        "kpis": {
            kpi.name: {
                "value": kpi.value,
                "previous": kpi.previous,
                "change": kpi.change,
                "target": kpi.target,
                "progress": kpi.progress,
            }
            for kpi in kpis.headline
        },
        "features": features_json(kpis),
    }


def features_json(kpis: Kpis) -> dict[str, Any]:
    """The other features' figures, the contributed ones beside the built-in ones."""
    found = asdict(kpis.features)
    found.pop("contributed")
    return {**found, **kpis.features.contributed}


def series_csv(kpis: Kpis) -> str:
    """One row per day and platform ("all" first): the daily series."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["day", "platform", *SERIES, "stickiness"])
    ordered = [ALL, *sorted(name for name in kpis.platforms if name != ALL)]
    for day in kpis.together.days:
        for name in ordered:
            figures = kpis.platforms[name]
            sticky = figures.stickiness[day]
            writer.writerow(
                [
                    day.isoformat(),
                    name,
                    *(getattr(figures, series)[day] for series in SERIES),
                    "" if sticky is None else f"{sticky:.4f}",
                ]
            )
    return out.getvalue()
