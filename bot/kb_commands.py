"""``townhall kb ...``: the knowledge base from the command line."""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from core import locale as locales
from core.features.faq import files
from core.settings import Settings

if TYPE_CHECKING:
    from core.features.faq.search import SearchIndex

SettingsLoader = Callable[[argparse.Namespace], Settings]


def load_index(source: Path, synonyms: Path) -> SearchIndex:
    """A knowledge folder, or a JSONL/CSV export evaluated without writing files."""
    from core.features.faq.search import SearchIndex
    from core.features.faq.service import index_key

    if not source.exists():
        sys.exit(f"townhall: {source}: no such knowledge folder or file")
    if source.is_dir():
        entries, problems = files.load_dir(source)
    else:
        entries, problems = files.import_records(source)
    for problem in problems:
        print(problem, file=sys.stderr)
    if len({entry.locale for entry in entries}) > 1:
        # Ids are unique per locale; the bot indexes them as "locale/id", and so do we.
        entries = [replace(e, id=index_key(e.id, e.locale)) for e in entries]
    return SearchIndex.build(entries, synonyms)


def _synonyms(settings: Settings) -> Path:
    return Path(settings.knowledge.dir) / "synonyms"


def cmd_import(args: argparse.Namespace) -> None:
    entries, problems = files.import_records(Path(args.file))
    for problem in problems:
        print(problem, file=sys.stderr)
    written = files.write_entries(entries, Path(args.into))
    print(f"wrote {len(written)} entries into {args.into}")
    sys.exit(1 if problems else 0)


def cmd_check(args: argparse.Namespace) -> None:
    directory = Path(args.dir)
    if not directory.is_dir():
        sys.exit(f"townhall: {directory} is not a folder")
    entries, problems = files.load_dir(directory)
    for problem in problems:
        print(problem)
    print(f"{len(entries)} entries, {len(problems)} problem(s)")
    sys.exit(1 if problems else 0)


def cmd_ask(args: argparse.Namespace, settings: Settings) -> None:
    from core.features.faq.settings import FaqSettings

    index = load_index(Path(args.kb or settings.knowledge.dir), _synonyms(settings))
    threshold = settings.section(FaqSettings).thresholds
    for line in sys.stdin:
        question = line.strip()
        if not question:
            continue
        result = index.search(question, limit=3, locale=locales.of_text(question) or "en")
        best = result.confident(threshold)
        if args.json:
            record: dict[str, Any] = {
                "question": question,
                "answered": best is not None,
                "entry_id": best.entry_id if best else None,
                "score": round(result.best.score, 4) if result.best else 0.0,
                "candidates": [
                    {"entry_id": c.entry_id, "score": round(c.score, 4)} for c in result.candidates
                ],
            }
            print(json.dumps(record, ensure_ascii=False), flush=True)
        elif best is not None:
            entry = index.entries[best.entry_id]
            print(f"{question}\n  → {entry.title} ({best.score:.2f})\n", flush=True)
        else:
            print(
                f"{question}\n  → not sure; closest: "
                f"{', '.join(c.entry_id for c in result.candidates) or 'nothing'}\n",
                flush=True,
            )


def cmd_eval(args: argparse.Namespace, settings: Settings) -> None:
    from core.features.faq.search_eval import evaluate, read_queries
    from core.features.faq.settings import FaqSettings

    index = load_index(Path(args.kb), _synonyms(settings))
    queries = read_queries(Path(args.queries), args.split)
    report = evaluate(index, queries, settings.section(FaqSettings).thresholds)
    if args.json:
        print(json.dumps(report.__dict__, ensure_ascii=False))
        return
    print(f"questions: {report.n_in_scope} covered, {report.n_oos} out of scope")
    print(f"top-1 {report.top1:.3f}   recall@3 {report.recall_at_3:.3f}")
    print(
        f"at threshold {_thresholds(report.min_confidence)}: answered-and-correct "
        f"{report.answered_correct:.3f}, answered-but-wrong {report.answered_wrong:.3f}, "
        f"out-of-scope declined {report.oos_declined:.3f}"
    )
    if report.pairs:
        print("entries that steal from each other (reword or merge these first):")
        for a, b, a_lost, b_lost in report.pairs:
            total = a_lost + b_lost
            print(
                f"  {a} ⇄ {b}: {total} question{'s' if total != 1 else ''} "
                f"({a_lost} meant for {a}, {b_lost} meant for {b})"
            )


def cmd_export(args: argparse.Namespace, settings: Settings) -> None:
    from core.db.engine import Database
    from core.features.faq.service import FaqService
    from core.features.faq.settings import FaqSettings

    async def export() -> int:
        database = Database(settings.database.url)
        service = FaqService(
            database, Path(settings.knowledge.dir), settings.section(FaqSettings).thresholds
        )
        async with database.session() as session:
            entries = await service.stored_entries(session)
        await database.dispose()
        return len(files.write_entries(entries, Path(args.into)))

    print(f"wrote {asyncio.run(export())} entries managed with /faq into {args.into}")


def add_parsers(sub: Any, common: argparse.ArgumentParser, load_settings: SettingsLoader) -> None:
    kb = sub.add_parser("kb", help="knowledge-base tools")
    kb_sub = kb.add_subparsers(dest="kb_command", required=True)

    imp = kb_sub.add_parser("import", help="turn JSONL or CSV into entry files")
    imp.add_argument("file")
    imp.add_argument("--into", required=True, help="knowledge folder to write into")
    imp.set_defaults(func=cmd_import)

    check = kb_sub.add_parser("check", help="report problems in a knowledge folder")
    check.add_argument("dir")
    check.set_defaults(func=cmd_check)

    def with_settings(fn: Callable[[argparse.Namespace, Settings], None]) -> Callable[..., None]:
        return lambda args: fn(args, load_settings(args))

    ask = kb_sub.add_parser("ask", parents=[common], help="answer one question per stdin line")
    ask.add_argument("--kb", default=None, help="knowledge folder (default: [knowledge] dir)")
    ask.add_argument("--json", action="store_true")
    ask.set_defaults(func=with_settings(cmd_ask))

    ev = kb_sub.add_parser("eval", parents=[common], help="measure answers against queries")
    ev.add_argument("--kb", required=True, help="knowledge folder or JSONL file")
    ev.add_argument("--queries", required=True, help="JSONL: question, expected, split")
    ev.add_argument("--split", default=None, help="only queries of this split (val, test)")
    ev.add_argument("--json", action="store_true")
    ev.set_defaults(func=with_settings(cmd_eval))

    export = kb_sub.add_parser("export", parents=[common], help="write /faq entries to files")
    export.add_argument("--into", required=True)
    export.set_defaults(func=with_settings(cmd_export))


def _thresholds(by_family: dict[str, float]) -> str:
    """The thresholds as "0.58", or "0.58 (Chinese 0.38)" when the families' differ."""
    latin, cjk = by_family["latin"], by_family["cjk"]
    return f"{latin:.2f}" if latin == cjk else f"{latin:.2f} (Chinese {cjk:.2f})"
