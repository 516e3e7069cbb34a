"""The image font draws Chinese: distinct glyphs, not the same missing-glyph box for each."""

from PIL import ImageFont

from core.fonts import cjk_font_path


def test_chinese_characters_render_as_their_own_glyphs() -> None:
    font = ImageFont.truetype(str(cjk_font_path()), 32)
    thanks, feel = (bytes(font.getmask(ch)) for ch in ("谢", "感"))
    assert thanks != feel
    assert any(thanks)


def test_the_environment_can_point_at_another_font(monkeypatch, tmp_path) -> None:
    chosen = tmp_path / "subset.otf"
    monkeypatch.setenv("TOWNHALL_FONT", str(chosen))
    cjk_font_path.cache_clear()
    try:
        assert cjk_font_path() == chosen
    finally:
        cjk_font_path.cache_clear()
