"""The digest's picture: daily active members and new members over 30 days, against the
target; and the same trend as a text sparkline for where an image cannot go.

Drawing takes tens of milliseconds of CPU, so callers run ``draw`` in a thread
(``asyncio.to_thread``), never on the event loop. Labels arrive translated; the one font
(``core.fonts``) has Latin and Chinese glyphs.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from matplotlib import font_manager
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from core.fonts import cjk_font_path

BARS = "▁▂▃▄▅▆▇█"


def sparkline(values: Sequence[float]) -> str:
    """``[1, 5, 9]`` → ``▁▅█``: the lowest value the lowest bar, the highest the highest."""
    if not values:
        return ""
    low, high = min(values), max(values)
    if high == low:
        return BARS[0] * len(values)
    steps = len(BARS) - 1
    return "".join(BARS[round((v - low) / (high - low) * steps)] for v in values)


@dataclass(frozen=True)
class ChartLabels:
    """Every word the picture shows, already in the founder's language."""

    title: str
    active: str
    new: str
    target: str


@dataclass(frozen=True)
class ChartData:
    days: tuple[date, ...]
    active: tuple[int, ...]
    new: tuple[int, ...]
    target: float | None
    """The ``[kpis] dau`` target, drawn as a dashed line; None draws none."""


def draw(data: ChartData, labels: ChartLabels) -> bytes:
    """The chart as PNG bytes (about 30 KB)."""
    font = font_manager.FontProperties(fname=str(cjk_font_path()))
    # A figure of its own on the Agg canvas, not pyplot's global state: safe in a thread.
    figure = Figure(figsize=(8, 4), dpi=100)
    FigureCanvasAgg(figure)
    axes = figure.add_subplot()
    x = list(range(len(data.days)))
    axes.plot(x, data.active, color="#2f6fdf", linewidth=2, label=labels.active)
    axes.bar(x, data.new, color="#9cc59a", label=labels.new)
    if data.target is not None:
        axes.axhline(
            data.target, color="#d9534f", linestyle="--", linewidth=1.2, label=labels.target
        )
    axes.set_title(labels.title, fontproperties=font, fontsize=14)
    axes.legend(prop=font, loc="upper left", frameon=False)
    axes.set_ylim(bottom=0)
    axes.grid(axis="y", alpha=0.3)
    axes.spines[["top", "right"]].set_visible(False)
    ticks = x[:: max(1, len(x) // 6)]
    axes.set_xticks(ticks, [data.days[i].strftime("%m-%d") for i in ticks])
    figure.tight_layout()
    out = io.BytesIO()
    figure.savefig(out, format="png")
    return out.getvalue()
