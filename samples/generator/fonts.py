"""The CJK fonts Debian ships (fonts-noto-cjk, fonts-wqy-microhei, fonts-dejavu), loaded by role and cached."""

from __future__ import annotations

from functools import cache
from pathlib import Path

from PIL import ImageFont

# (path, face index in the collection). Index 2 of the Noto collections is Simplified Chinese.
FONT_FILES: dict[str, tuple[str, int]] = {
    "sans": ("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc", 2),
    "sans_bold": ("/usr/share/fonts/opentype/noto/NotoSansCJK-Bold.ttc", 2),
    "serif": ("/usr/share/fonts/opentype/noto/NotoSerifCJK-Regular.ttc", 2),
    "serif_bold": ("/usr/share/fonts/opentype/noto/NotoSerifCJK-Bold.ttc", 2),
    "microhei": ("/usr/share/fonts/truetype/wqy/wqy-microhei.ttc", 0),
    "mono_bold": ("/usr/share/fonts/truetype/dejavu/DejaVuSansMono-Bold.ttf", 0),
    "mono": ("/usr/share/fonts/truetype/dejavu/DejaVuSansMono.ttf", 0),
}


class FontMissing(RuntimeError):
    """A font the generator draws with is not installed (Debian: fonts-noto-cjk fonts-wqy-microhei fonts-dejavu-core)."""


@cache
def font(role: str, size_px: int) -> ImageFont.FreeTypeFont:
    path, index = FONT_FILES[role]
    if not Path(path).is_file():
        raise FontMissing(f"{path} is not installed (needed for the {role!r} font)")
    return ImageFont.truetype(path, max(int(size_px), 4), index=index)
