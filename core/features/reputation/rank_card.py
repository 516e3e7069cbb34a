"""The rank card: a PNG a member wants to show, drawn with Pillow.

Drawing is blocking work, so ``render`` is called off the event loop (``asyncio.to_thread``).
Every word on the card comes in ``CardFacts``, already in the reader's language; the one
font, Noto Sans CJK SC, draws Latin and Chinese names alike (emoji outside it show as boxes,
so badges are written as their names).
"""

from __future__ import annotations

import hashlib
import io
from dataclasses import dataclass, field
from functools import cache

from PIL import Image, ImageDraw, ImageFont

from core.fonts import cjk_font_path

WIDTH, HEIGHT = 1000, 340
SCALE = 2
"""Drawn at twice the size and scaled down: smooth circles and text edges."""
BACKGROUND = ((22, 24, 33), (36, 32, 58))
TEXT, MUTED, TRACK = (240, 242, 248), (150, 156, 178), (52, 56, 74)
ACCENT = (124, 110, 255)
INITIALS_COLOURS = ((99, 102, 241), (236, 72, 153), (16, 185, 129), (245, 158, 11), (14, 165, 233))


@dataclass(frozen=True)
class CardFacts:
    name: str
    tier: str
    points: int
    position: int | None
    of: int
    fraction: float
    progress_line: str
    """Under the bar: "120 / 250 to Contributor" or "Top tier", in the reader's language."""
    labels: dict[str, str]
    """"points", "rank" and "unranked", translated."""
    badges: list[str] = field(default_factory=list)


@cache
def _font(size: int) -> ImageFont.FreeTypeFont:
    return ImageFont.truetype(str(cjk_font_path()), size * SCALE)


def _initials(name: str) -> str:
    words = name.split()
    if len(words) >= 2:
        return (words[0][0] + words[1][0]).upper()
    return name[:2].upper() if name.isascii() else name[:1]


def _fit(draw: ImageDraw.ImageDraw, text: str, size: int, width: int) -> str:
    """``text`` cut with an ellipsis to ``width`` pixels at ``size``."""
    font = _font(size)
    if draw.textlength(text, font=font) <= width * SCALE:
        return text
    while text and draw.textlength(text + "…", font=font) > width * SCALE:
        text = text[:-1]
    return text + "…"


def _gradient() -> Image.Image:
    top, bottom = BACKGROUND
    column = Image.new("RGB", (1, HEIGHT * SCALE))
    for y in range(HEIGHT * SCALE):
        t = y / (HEIGHT * SCALE - 1)
        column.putpixel(
            (0, y), tuple(round(a + (b - a) * t) for a, b in zip(top, bottom, strict=True))
        )
    return column.resize((WIDTH * SCALE, HEIGHT * SCALE))


def render(facts: CardFacts) -> bytes:
    s = SCALE
    card = _gradient()
    draw = ImageDraw.Draw(card)
    colour = INITIALS_COLOURS[hashlib.sha1(facts.name.encode()).digest()[0] % len(INITIALS_COLOURS)]
    draw.ellipse((40 * s, 40 * s, 180 * s, 180 * s), fill=colour)
    draw.text((110 * s, 110 * s), _initials(facts.name), font=_font(54), fill=TEXT, anchor="mm")
    draw.text((215 * s, 42 * s), _fit(draw, facts.name, 46, 480), font=_font(46), fill=TEXT)
    tier = _fit(draw, facts.tier, 24, 300)
    tier_width = draw.textlength(tier, font=_font(24)) / s
    draw.rounded_rectangle(
        (215 * s, 118 * s, (215 + tier_width + 36) * s, 160 * s), radius=21 * s, fill=ACCENT
    )
    draw.text((233 * s, 139 * s), tier, font=_font(24), fill=TEXT, anchor="lm")
    _figure(draw, 960, facts.labels["points"], f"{facts.points:,}")
    rank = f"#{facts.position:,}" if facts.position else facts.labels["unranked"]
    _figure(draw, 760, facts.labels["rank"], rank)
    bar = (40 * s, 222 * s, 960 * s, 246 * s)
    draw.rounded_rectangle(bar, radius=12 * s, fill=TRACK)
    if facts.fraction > 0:
        end = 40 + max(24, round(920 * facts.fraction))
        draw.rounded_rectangle((40 * s, 222 * s, end * s, 246 * s), radius=12 * s, fill=ACCENT)
    draw.text(
        (40 * s, 262 * s), _fit(draw, facts.progress_line, 22, 500), font=_font(22), fill=MUTED
    )
    _badges(draw, facts.badges)
    out = io.BytesIO()
    card.resize((WIDTH, HEIGHT), Image.Resampling.LANCZOS).save(out, "PNG", optimize=True)
    return out.getvalue()


def _figure(draw: ImageDraw.ImageDraw, right: int, label: str, value: str) -> None:
    s = SCALE
    draw.text((right * s, 50 * s), label.upper(), font=_font(18), fill=MUTED, anchor="ra")
    draw.text((right * s, 78 * s), value, font=_font(44), fill=TEXT, anchor="ra")


def _badges(draw: ImageDraw.ImageDraw, badges: list[str]) -> None:
    """The latest badges as pills at the bottom right, as many as fit."""
    s, right = SCALE, 960
    for badge in badges:
        text = _fit(draw, badge, 18, 180)
        width = draw.textlength(text, font=_font(18)) / s + 28
        if right - width < 560:
            return
        draw.rounded_rectangle(
            ((right - width) * s, 262 * s, right * s, 294 * s),
            radius=16 * s,
            outline=ACCENT,
            width=2 * s,
        )
        draw.text(((right - width / 2) * s, 278 * s), text, font=_font(18), fill=TEXT, anchor="mm")
        right -= int(width) + 10
