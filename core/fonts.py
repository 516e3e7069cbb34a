"""The one font every image uses: Noto Sans CJK SC, so Latin and Chinese names both render.

Servers rarely have a CJK font installed and Pillow's default font has no Chinese glyphs (a
Chinese name would come out as boxes). The mplfonts package ships Noto Sans CJK SC; a
deployment can point `TOWNHALL_FONT` at another file (say a smaller subset) instead.
"""

from __future__ import annotations

import os
from functools import cache
from importlib.resources import files
from pathlib import Path

FONT_ENV = "TOWNHALL_FONT"
BUNDLED = "NotoSansCJKsc-Regular.otf"


@cache
def cjk_font_path() -> Path:
    """The font file's path; `TOWNHALL_FONT` wins over the bundled Noto Sans CJK SC."""
    configured = os.environ.get(FONT_ENV)
    if configured:
        return Path(configured)
    return Path(str(files("mplfonts") / "fonts" / BUNDLED))
