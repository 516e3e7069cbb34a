"""Pictures of the figures: text sparklines anywhere, PNG charts where an image can go.

matplotlib's ``Figure`` draws with the Agg backend and none of pyplot's global state, a new
figure per call, so the functions are safe in a worker thread (``asyncio.to_thread``): the
event loop never waits on drawing. Labels come translated from the caller; the one CJK font
renders Chinese ones.
"""

from __future__ import annotations

import io
from collections.abc import Mapping, Sequence
from datetime import date

from matplotlib import font_manager
from matplotlib.figure import Figure

from core.features.analytics.activity import Cohort
from core.fonts import cjk_font_path

SPARKS = "▁▂▃▅▇"


def sparkline(values: Sequence[float | None]) -> str:
    """One character a value, lowest ▁ to highest ▇; a gap (unknown) is a space."""
    known = [v for v in values if v is not None]
    if not known:
        return ""
    low, high = min(known), max(known)
    span = high - low
    return "".join(
        " "
        if v is None
        else SPARKS[0 if span == 0 else min(int((v - low) / span * len(SPARKS)), len(SPARKS) - 1)]
        for v in values
    )


def _font() -> font_manager.FontProperties:
    return font_manager.FontProperties(fname=str(cjk_font_path()))


def _png(figure: Figure) -> bytes:
    out = io.BytesIO()
    figure.savefig(out, format="png", dpi=100, bbox_inches="tight")
    return out.getvalue()


def series_png(
    days: Sequence[date],
    series: Mapping[str, Sequence[float]],
    *,
    title: str,
    targets: Mapping[str, float] | None = None,
) -> bytes:
    """Lines over the days, one per labelled series; a dashed line at each series' target."""
    font = _font()
    figure = Figure(figsize=(8, 3.6))
    axes = figure.subplots()
    for label, values in series.items():
        (line,) = axes.plot(range(len(days)), list(values), label=label, linewidth=2)
        target = (targets or {}).get(label)
        if target is not None:
            axes.axhline(target, color=line.get_color(), linestyle="--", linewidth=1)
    axes.set_title(title, fontproperties=font)
    axes.legend(prop=font, loc="upper left")
    axes.grid(alpha=0.3)
    axes.set_ylim(bottom=0)
    every = max(len(days) // 8, 1)
    axes.set_xticks(range(0, len(days), every), [f"{d:%m-%d}" for d in days[::every]])
    return _png(figure)


def retention_png(cohorts: Sequence[Cohort], *, title: str, columns: Sequence[str]) -> bytes:
    """The cohort triangle: a row per join day, a column per day N, shaded by the share."""
    font = _font()
    shares = [[c.share(n) for n in (1, 7, 30)] for c in cohorts]
    figure = Figure(figsize=(5, max(2.5, 0.28 * len(cohorts) + 1.2)))
    axes = figure.subplots()
    grid = [[float("nan") if s is None else s for s in row] for row in shares]
    axes.imshow(grid or [[float("nan")] * 3], cmap="Blues", vmin=0, vmax=1, aspect="auto")
    for y, row in enumerate(shares):
        for x, share in enumerate(row):
            if share is not None:
                colour = "white" if share > 0.5 else "black"
                axes.text(x, y, f"{share:.0%}", ha="center", va="center", color=colour, fontsize=8)
    axes.set_xticks(range(3), list(columns), fontproperties=font)
    axes.set_yticks(range(len(cohorts)), [f"{c.day:%m-%d} ({c.size})" for c in cohorts], fontsize=8)
    axes.set_title(title, fontproperties=font)
    return _png(figure)
