"""``townhall stats``: the rollups brought up to date, every KPI as JSON, the series as CSV.

It reads the database the bot writes and needs nothing else of the app (no knowledge base,
no platforms), so it starts quickly.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

from core.settings import Settings

if TYPE_CHECKING:
    from core.features.analytics.service import Kpis

SettingsLoader = Callable[[argparse.Namespace], Settings]
DEFAULT_DAYS = 30


def _day(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a day (YYYY-MM-DD): {text!r}") from None


async def _kpis(settings: Settings, start: date | None, end: date | None) -> Kpis:
    from sqlalchemy.exc import DBAPIError

    from core.clock import SystemClock
    from core.db.engine import Database
    from core.features.analytics.service import AnalyticsService

    database = Database(settings.database.url)
    try:
        service = AnalyticsService(settings, database, SystemClock())
        try:
            await service.refresh()
        except DBAPIError:
            sys.exit(
                "townhall: the database has no analytics tables yet; "
                "run townhall db upgrade --config FILE first"
            )
        end = end or service.today()
        start = start or end - timedelta(days=DEFAULT_DAYS - 1)
        if start > end:
            sys.exit(f"townhall: --from {start} is after --to {end}")
        return await service.kpis(start, end)
    finally:
        await database.dispose()


def cmd_stats(args: argparse.Namespace, settings: Settings) -> None:
    from core.features.analytics.export import kpis_json

    kpis = asyncio.run(_kpis(settings, args.start, args.end))
    report = kpis_json(kpis, settings.locale.timezone)
    if args.json:
        json.dump(report, sys.stdout, ensure_ascii=False)
        sys.stdout.write("\n")
        return
    print(f"{report['from']} .. {report['to']} ({report['timezone']})")
    for name, kpi in report["kpis"].items():
        if kpi["value"] is None:
            continue
        target = "" if kpi["target"] is None else f"  target {kpi['target']:g}"
        print(f"{name:22} {kpi['value']:>10.4g}{target}")


def cmd_export(args: argparse.Namespace, settings: Settings) -> None:
    from core.features.analytics.export import series_csv

    kpis = asyncio.run(_kpis(settings, args.start, args.end))
    Path(args.out).write_text(series_csv(kpis), encoding="utf-8")
    print(f"wrote {len(kpis.together.days)} days into {args.out}", file=sys.stderr)


def _window(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--from", dest="start", type=_day, default=None, help="first day")
    parser.add_argument(
        "--to", dest="end", type=_day, default=None, help="last day (default: today)"
    )


def add_parser(sub: Any, common: argparse.ArgumentParser, load_settings: SettingsLoader) -> None:
    stats = sub.add_parser(
        "stats",
        parents=[common],
        help="KPIs from the activity log (30 days to today unless --from/--to)",
    )
    stats.add_argument("--json", action="store_true", help="every KPI as one JSON object")
    _window(stats)
    stats.set_defaults(func=lambda args: cmd_stats(args, load_settings(args)))
    stats_sub = stats.add_subparsers(dest="stats_command")
    # --config before or after "export", without the subcommand's default undoing it.
    config = argparse.ArgumentParser(add_help=False)
    config.add_argument("--config", type=Path, default=argparse.SUPPRESS, help="TOML settings")
    export = stats_sub.add_parser("export", parents=[config], help="the daily series as CSV")
    export.add_argument("--out", required=True, help="CSV file")
    _window(export)
    export.set_defaults(func=lambda args: cmd_export(args, load_settings(args)))
