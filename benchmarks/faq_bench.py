"""FAQ search benchmark: answer quality on the shared sets, then speed and memory at scale.

Usage::

    python benchmarks/faq_bench.py                # quality on test splits, then scale
    python benchmarks/faq_bench.py --split val    # quality on val (what tuning may look at)
    python benchmarks/faq_bench.py --calibrate    # refit calibration + threshold on val
    python benchmarks/faq_bench.py --no-scale     # skip the 10k/100k runs
    python benchmarks/faq_bench.py --small        # 2-, 5- and 10-entry knowledge bases

Data lives in ``../shared/data/faq-bench`` beside the repository unless ``FAQ_BENCH_DATA``
points elsewhere; without it the script says so and exits cleanly. Calibration and the
threshold may only ever be chosen on the val splits.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import os
import random
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from bot.kb_commands import load_index  # noqa: E402
from core.features.faq.entries import KBEntry  # noqa: E402
from core.features.faq.search import SearchIndex  # noqa: E402
from core.features.faq.search_calibration import fit, locale_family  # noqa: E402
from core.features.faq.search_eval import (  # noqa: E402
    Query,
    calibration_rows,
    evaluate,
    read_queries,
)
from core.features.faq.semantic_cache import (  # noqa: E402
    CACHE_ENV,
    Embedder,
    Encoder,
    shared_embedders,
)

SETS = ("clinc150-dev", "banking77", "smp2017-zh-dev")
SCALES = (10_000, 100_000)
LATENCY_QUESTIONS = 1000
SET_LATENCY_QUESTIONS = 200
CALIBRATION_SIZES = (2, 4, 8, 16)
"""Entries in the smaller knowledge bases calibration also learns from."""
CALIBRATION_DRAWS = 8
"""Random knowledge bases of each of those sizes per set."""
CALIBRATION_MIN_OOS = 20
CALIBRATION_SEED = 1
SMALL_SIZES = (2, 5, 10)
"""Entries in the small knowledge bases ``--small`` draws, eight of each size per set."""
SMALL_DRAWS = 8
SMALL_SEED = 5


def data_dir() -> Path:
    return Path(os.environ.get("FAQ_BENCH_DATA", REPO.parent / "shared" / "data" / "faq-bench"))


def load_set(name: str) -> tuple[list[KBEntry], dict[str, list[Query]]]:
    folder = data_dir() / name
    entries = []
    for line in (folder / "kb.jsonl").read_text(encoding="utf-8").splitlines():
        raw = json.loads(line)
        entries.append(
            KBEntry(
                id=raw["id"],
                title=raw["title"],
                questions=tuple(raw["questions"]),
                answer=raw["answer"],
                locale=raw.get("locale", "en"),
                tags=tuple(raw.get("tags", ())),
                source=f"bench:{name}",
            )
        )
    splits = {split: read_queries(folder / "queries.jsonl", split) for split in ("val", "test")}
    return entries, splits


def quality(split: str, retrieval_only: bool) -> None:
    print(f"== quality on {split} splits" + (" (retrieval mode)" if retrieval_only else ""))
    embedders = shared_embedders()
    print(
        "semantic encoders: "
        + (
            ", ".join(f"{f}={'+'.join(e.name for e in es)}" for f, es in embedders.items())
            or "none (lexical only)"
        )
    )
    header = f"{'set':16} {'top1':>6} {'rec@3':>6} {'ans_ok':>7} {'ans_bad':>8} {'oos_dec':>8}"
    print(header + "   build cold/warm   p50/p99 per question")
    for name in SETS:
        entries, splits = load_set(name)
        limit = 0 if retrieval_only else 10**9
        started = time.perf_counter()
        index = SearchIndex.build(entries, max_classifier_phrasings=limit)
        cold = time.perf_counter() - started
        started = time.perf_counter()
        SearchIndex.build(entries, max_classifier_phrasings=limit)
        warm = time.perf_counter() - started
        report = evaluate(index, splits[split])
        timings = []
        for question, _ in splits[split][:SET_LATENCY_QUESTIONS]:
            t0 = time.perf_counter()
            index.search(question)
            timings.append((time.perf_counter() - t0) * 1000)
        print(
            f"{name:16} {report.top1:6.3f} {report.recall_at_3:6.3f} "
            f"{report.answered_correct:7.3f} {report.answered_wrong:8.3f} "
            f"{report.oos_declined:8.3f}   {cold:5.1f} s / {warm:4.2f} s   "
            f"{np.percentile(timings, 50):5.1f} / {np.percentile(timings, 99):5.1f} ms   "
            f"(n={report.n_in_scope}+{report.n_oos} oos, "
            f"threshold {report.min_confidence[family_of(entries)]:.2f})"
        )
    if not retrieval_only:
        sample_quality()
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(
        f"peak RSS {peak_mb:.0f} MB with the encoders loaded; cold build embeds every phrasing "
        "(empty cache), warm reuses the cache"
    )


def sample_quality() -> None:
    """The shipped knowledge base on its own eval file (both languages, near misses as out
    of scope): what a founder starting from the sample gets, on short phrasings."""
    knowledge = REPO / "knowledge"
    index = load_index(knowledge, knowledge / "synonyms")
    report = evaluate(index, read_queries(knowledge / "eval.jsonl"))
    print(
        f"{'sample kb':16} {report.top1:6.3f} {report.recall_at_3:6.3f} "
        f"{report.answered_correct:7.3f} {report.answered_wrong:8.3f} "
        f"{report.oos_declined:8.3f}   (knowledge/eval.jsonl, n={report.n_in_scope}+"
        f"{report.n_oos} near misses, en and zh-CN)"
    )


def family_of(entries: list[KBEntry]) -> str:
    """The script family of a benchmark set, whose entries share one locale."""
    return locale_family(entries[0].locale)


def calibrate() -> None:
    """Refit the calibration per (mode, script family) on val, for pasting into
    search_calibration.py.

    Three passes: with the encoders (semantic mode), without them (classifier mode), and in
    retrieval mode. The first two learn from each set's knowledge base and from smaller ones
    drawn from it at random (see ``calibration_kbs``); retrieval mode only ever serves
    knowledge bases of hundreds of entries, so it learns from the full sets alone.
    """
    remembering = {
        embedder.name: Embedder(Remembering(embedder.encoder), embedder.name)
        for embedders in shared_embedders().values()
        for embedder in embedders
    }
    semantic = {
        family: tuple(remembering[embedder.name] for embedder in embedders)
        for family, embedders in shared_embedders().items()
    }
    passes = (("semantic", semantic, 10**9), ("classifier", {}, 10**9), ("retrieval", {}, 0))
    rng = random.Random(CALIBRATION_SEED)
    for label, embedders, limit in passes:
        pooled: dict[tuple[str, str], tuple[list[np.ndarray], list[bool], list[np.ndarray]]] = {}
        for name in SETS:
            entries, splits = load_set(name)
            kbs = (
                calibration_kbs(entries, splits["val"], rng)
                if limit
                else [(entries, splits["val"], 1.0)]
            )
            for kb, queries, weight in kbs:
                index = SearchIndex.build(kb, max_classifier_phrasings=limit, embedders=embedders)
                for key, (rows, labels) in calibration_rows(index, queries).items():
                    acc = pooled.setdefault(key, ([], [], []))
                    acc[0].append(rows)
                    acc[1].extend(labels)
                    acc[2].append(np.full(len(labels), weight))
        for key, (blocks, labels, weights) in sorted(pooled.items()):
            if key[0] == label:
                print(key, fit(np.vstack(blocks), labels, np.concatenate(weights)))
    print("paste the coefficients into search_calibration.py, then rerun with --sweep")


def calibration_kbs(
    entries: list[KBEntry], queries: list[Query], rng: random.Random
) -> list[tuple[list[KBEntry], list[Query], float]]:
    """The set's knowledge base, then variants of it, each with its questions and the weight
    its calibration rows get.

    Real knowledge bases are often smaller and thinner than the benchmark's: a handful of
    entries, where the classifier's probability is inflated (with two entries one always has
    at least half), and entries with only a couple of phrasings, whose typical embedding
    similarity rests on a single pair. So calibration also sees the set with only the first
    two questions of each entry, and random subsets of ``CALIBRATION_SIZES`` entries, where
    the questions of the entries left out become out of scope, as many as there are covered
    ones. The variants together weigh as much as the full knowledge base, so the threshold
    still means the same on it.
    """
    variants = [(_first_questions(entries, 2), queries)]
    for size in CALIBRATION_SIZES:
        for _ in range(CALIBRATION_DRAWS):
            variants.append(drawn_kb(entries, queries, size, rng))
    weight = len(queries) / sum(len(asked) for _, asked in variants)
    return [(entries, queries, 1.0)] + [(kb, asked, weight) for kb, asked in variants]


def drawn_kb(
    entries: list[KBEntry], queries: list[Query], size: int, rng: random.Random
) -> tuple[list[KBEntry], list[Query]]:
    """``size`` entries drawn at random, with their questions and, as out of scope, as many
    (at least ``CALIBRATION_MIN_OOS``) of the questions meant for the entries left out."""
    kept = rng.sample(entries, min(size, len(entries)))
    ids = {entry.id for entry in kept}
    covered = [(q, expected) for q, expected in queries if expected in ids]
    others: list[Query] = [(q, None) for q, expected in queries if expected not in ids]
    rng.shuffle(others)
    return kept, covered + others[: max(len(covered), CALIBRATION_MIN_OOS)]


def _first_questions(entries: list[KBEntry], count: int) -> list[KBEntry]:
    return [dataclasses.replace(entry, questions=entry.questions[:count]) for entry in entries]


class Remembering:
    """An encoder that remembers every text it has encoded: calibration asks each val
    question again in every smaller knowledge base drawn from its set."""

    def __init__(self, encoder: Encoder) -> None:
        self._encoder = encoder
        self.dimension = encoder.dimension
        self._seen: dict[str, np.ndarray] = {}

    def encode(self, texts: list[str]) -> np.ndarray:
        missing = [text for text in dict.fromkeys(texts) if text not in self._seen]
        if missing:
            self._seen.update(zip(missing, self._encoder.encode(missing), strict=True))
        return np.array([self._seen[text] for text in texts], dtype=np.float32).reshape(
            len(texts), self.dimension
        )


def sweep() -> None:
    """Val metrics per candidate threshold, for choosing DEFAULT_MIN_CONFIDENCE.

    Each question is searched once; thresholds only decide which best answers are kept.
    """
    outcomes = []
    for name in SETS:
        entries, splits = load_set(name)
        index = SearchIndex.build(entries)
        rows = []
        for question, expected in splits["val"]:
            best = index.search(question, limit=1).best
            score = best.score if best else 0.0
            rows.append((score, expected is None, best is not None and best.entry_id == expected))
        outcomes.append((name, np.array(rows, dtype=float)))
    for threshold in np.arange(0.20, 0.805, 0.01):
        cells = []
        for name, rows in outcomes:
            answered = rows[:, 0] >= threshold
            oos, right = rows[:, 1] == 1, rows[:, 2] == 1
            n_in = max(int((~oos).sum()), 1)
            ok = (answered & right).sum() / n_in
            bad = (answered & ~right & ~oos).sum() / n_in
            declined = (~answered & oos).sum() / oos.sum() if oos.any() else float("nan")
            cells.append(f"{name[:6]} ok {ok:.3f} bad {bad:.3f} oos {declined:.3f}")
        print(f"{threshold:.2f}  " + " | ".join(cells))


def synthetic_kb(size: int, seed: int = 7) -> list[KBEntry]:
    """``size`` entries made by perturbing the benchmark entries.

    Each copy swaps a word (or a character, for Chinese) in every phrasing and mentions a
    made-up product name, so the vocabulary and the posting lists grow the way a big real
    knowledge base's would instead of repeating the same 177 entries.
    """
    rng = random.Random(seed)
    base = [e for name in SETS for e in load_set(name)[0]]
    words = sorted({w for e in base if e.locale == "en" for p in e.phrasings for w in p.split()})
    chars = sorted({c for e in base if e.locale != "en" for p in e.phrasings for c in p})
    syllables = ["ka", "lo", "mi", "zen", "tor", "ba", "qui", "rex", "sul", "van", "dor", "pi"]

    def mutate(text: str, locale: str, product: str) -> str:
        if locale == "en":
            tokens = text.split()
            if tokens:
                tokens[rng.randrange(len(tokens))] = rng.choice(words)
            if rng.random() < 0.5:
                tokens.insert(rng.randrange(len(tokens) + 1), product)
            return " ".join(tokens)
        if not text:
            return text
        i = rng.randrange(len(text))
        return (
            text[:i] + rng.choice(chars) + text[i + 1 :] + (product if rng.random() < 0.5 else "")
        )

    out = []
    for k in range(size):
        src = base[k % len(base)]
        product = "".join(rng.choice(syllables) for _ in range(3))
        out.append(
            KBEntry(
                id=f"synthetic-{k}",
                title=mutate(src.title, src.locale, product),
                questions=tuple(mutate(q, src.locale, product) for q in src.questions),
                answer=src.answer,
                locale=src.locale,
            )
        )
    return out


def scale_child(size: int) -> None:
    """Runs in its own process so each size reports its own peak memory."""
    entries = synthetic_kb(size)
    questions = [q for name in SETS for q, _ in load_set(name)[1]["test"]]
    random.Random(3).shuffle(questions)
    before_mb = current_rss_mb()
    started = time.perf_counter()
    index = SearchIndex.build(entries)
    build = time.perf_counter() - started
    index_mb = current_rss_mb() - before_mb
    timings = []
    for question in questions[:LATENCY_QUESTIONS]:
        t0 = time.perf_counter()
        index.search(question)
        timings.append((time.perf_counter() - t0) * 1000)
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(
        f"{size:>7} entries  build {build:6.2f} s  p50 {np.percentile(timings, 50):6.2f} ms  "
        f"p99 {np.percentile(timings, 99):6.2f} ms  peak RSS {peak_mb:4.0f} MB "
        f"(index {index_mb:.0f} MB, the rest is the benchmark's entries and data)"
    )


def small(split: str) -> None:
    """How knowledge bases of a handful of entries fare, as most real ones start: each draw
    keeps a few entries, so every other entry's questions are out of scope, and near ones."""
    print(f"== small knowledge bases drawn from each set ({split} questions)")
    rng = random.Random(SMALL_SEED)
    for name in SETS:
        entries, splits = load_set(name)
        for size in SMALL_SIZES:
            correct, declined = [], []
            for _ in range(SMALL_DRAWS):
                kept, asked = drawn_kb(entries, splits[split], size, rng)
                report = evaluate(SearchIndex.build(kept), asked)
                correct.append(report.answered_correct)
                declined.append(report.oos_declined)
            print(
                f"{name:16} {size:2d} entries: answered-and-correct {np.mean(correct):.3f}, "
                f"out-of-scope declined {np.mean(declined):.3f}",
                flush=True,
            )


def current_rss_mb() -> float:
    """Resident memory now (Linux), to tell the index's share from the entries' share."""
    pages = int(Path("/proc/self/statm").read_text().split()[1])
    return pages * os.sysconf("SC_PAGE_SIZE") / 2**20


def scale() -> None:
    print("== latency per question and memory on synthetic knowledge bases")
    for size in SCALES:
        subprocess.run([sys.executable, __file__, "--scale-child", str(size)], check=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--split", choices=("val", "test"), default="test")
    parser.add_argument("--calibrate", action="store_true")
    parser.add_argument("--sweep", action="store_true")
    parser.add_argument("--retrieval", action="store_true", help="also report retrieval mode")
    parser.add_argument("--no-scale", action="store_true")
    parser.add_argument("--small", action="store_true", help="only small knowledge bases")
    parser.add_argument("--scale-child", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if not all((data_dir() / name / "kb.jsonl").is_file() for name in SETS):
        print(f"faq benchmark data not found under {data_dir()}; skipping")
        return
    # A fresh embedding cache, so "cold" build times are honest; reused by later builds.
    os.environ.setdefault(CACHE_ENV, tempfile.mkdtemp(prefix="townhall-bench-"))
    if args.scale_child:
        scale_child(args.scale_child)
    elif args.calibrate:
        calibrate()
    elif args.sweep:
        sweep()
    elif args.small:
        small(args.split)
    else:
        # Scale first: a child process starts with its parent's peak RSS, so running it after
        # the encoders are loaded here would inflate the children's memory figures.
        if not args.no_scale:
            scale()
        quality(args.split, retrieval_only=False)
        if args.retrieval:
            quality(args.split, retrieval_only=True)


if __name__ == "__main__":
    main()
