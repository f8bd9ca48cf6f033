"""What the application and the receipt share: the embedded CJK font, paragraph styles, QR codes, thumbnails.

Only TrueType outlines can be embedded by reportlab, so the default is WenQuanYi Micro Hei (a .ttc with glyf
outlines, Debian fonts-wqy-microhei); Noto CJK ships CFF outlines, which reportlab cannot embed.
"""

from __future__ import annotations

import hashlib
import io
import json
import threading
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from domain.errors import ConfigError, CorruptFile

FONT_NAME_PREFIX = "DocintelCJK"
_font_lock = threading.Lock()
_registered: dict[tuple[str, int], str] = {}

THUMB_MAX_SIDE_PX = 480  # enough to recognise a page at about 6 cm wide, small enough to keep the PDF light
THUMB_JPEG_QUALITY = 70


def register_cjk_font(path: Path, *, subfont_index: int = 0) -> str:
    """Registers the TrueType font (or one face of a .ttc) with reportlab once per process; returns its name."""
    key = (str(Path(path).resolve()), subfont_index)
    with _font_lock:
        name = _registered.get(key)
        if name is not None:
            return name
        from reportlab.pdfbase import pdfmetrics
        from reportlab.pdfbase.ttfonts import TTFError, TTFont

        if not Path(path).is_file():
            raise ConfigError(
                f"CJK font {path} not found (settings.signing.font_path); install fonts-wqy-microhei",
                message_zh="未找到中文字体文件",
            )
        name = f"{FONT_NAME_PREFIX}{len(_registered)}"
        try:
            pdfmetrics.registerFont(TTFont(name, str(path), subfontIndex=subfont_index))
        except (TTFError, OSError, ValueError) as exc:
            raise ConfigError(
                f"font {path} cannot be embedded ({exc}); it must have TrueType (glyf) outlines",
                message_zh="中文字体无法嵌入（需要 TrueType 字形）",
            ) from exc
        _registered[key] = name
        return name


@dataclass(frozen=True)
class Styles:
    font: str
    title: Any
    subtitle: Any
    heading: Any
    body: Any
    small: Any
    cell: Any
    cell_head: Any


def build_styles(font: str) -> Styles:
    from reportlab.lib import colors
    from reportlab.lib.enums import TA_CENTER
    from reportlab.lib.styles import ParagraphStyle

    # wordWrap="CJK" lets lines break between any two Chinese characters.
    base = ParagraphStyle("body", fontName=font, fontSize=10, leading=14, wordWrap="CJK")
    return Styles(
        font=font,
        title=ParagraphStyle("title", parent=base, fontSize=20, leading=26, alignment=TA_CENTER, spaceAfter=4),
        subtitle=ParagraphStyle("subtitle", parent=base, fontSize=11, alignment=TA_CENTER, textColor=colors.grey),
        heading=ParagraphStyle(
            "heading", parent=base, fontSize=12.5, leading=18, spaceBefore=10, spaceAfter=4, textColor=colors.navy
        ),
        body=base,
        small=ParagraphStyle("small", parent=base, fontSize=8, leading=11, textColor=colors.grey),
        cell=ParagraphStyle("cell", parent=base, fontSize=9, leading=12),
        cell_head=ParagraphStyle("cell_head", parent=base, fontSize=9, leading=12, textColor=colors.white),
    )


def table_style(font: str, *, header_rows: int = 1) -> Any:
    from reportlab.lib import colors
    from reportlab.platypus import TableStyle

    commands: list[tuple] = [
        # Plain-string cells (even empty ones) are drawn in the table's font, Helvetica unless told otherwise.
        ("FONTNAME", (0, 0), (-1, -1), font),
        ("GRID", (0, 0), (-1, -1), 0.4, colors.HexColor("#9aa5b1")),
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
        ("TOPPADDING", (0, 0), (-1, -1), 3),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 3),
    ]
    if header_rows:
        commands.append(("BACKGROUND", (0, 0), (-1, header_rows - 1), colors.HexColor("#34495e")))
    return TableStyle(commands)


def esc(value: Any) -> str:
    """Text for a reportlab Paragraph (which parses a little XML)."""
    from xml.sax.saxutils import escape

    return escape("" if value is None else str(value))


def canonical_json(data: Any) -> bytes:
    """The bytes that are attached and hashed: sorted keys, UTF-8, no insignificant whitespace."""
    return json.dumps(data, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode("utf-8")


def sha256_hex(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def qr_flowable(payload: str, *, size_pt: float) -> Any:
    """A vector QR code drawn as filled squares: no bitmap, and no font (reportlab's barcode widget pulls in a
    non-embedded Helvetica, which PDF/A forbids)."""
    import qrcode
    from reportlab.platypus import Flowable

    code = qrcode.QRCode(error_correction=qrcode.constants.ERROR_CORRECT_M, border=2)
    code.add_data(payload)
    code.make(fit=True)
    matrix = code.get_matrix()  # includes the quiet zone

    class _Qr(Flowable):
        def wrap(self, *_args: Any) -> tuple[float, float]:
            return size_pt, size_pt

        def draw(self) -> None:
            n = len(matrix)
            cell = size_pt / n
            c = self.canv
            c.saveState()
            c.setFillGray(0)
            for r, row in enumerate(matrix):
                for col, dark in enumerate(row):
                    if dark:
                        c.rect(col * cell, size_pt - (r + 1) * cell, cell, cell, stroke=0, fill=1)
            c.restoreState()

    return _Qr()


def thumbnail_jpeg(image_bytes: bytes, *, max_side_px: int = THUMB_MAX_SIDE_PX) -> tuple[bytes, int, int]:
    """A JPEG thumbnail of a captured page (JPEG or PNG in), flattened on white; returns (jpeg, width, height)."""
    return _thumbnail_cached(hashlib.sha256(image_bytes).digest(), image_bytes, max_side_px)


@lru_cache(maxsize=64)
def _thumbnail_cached(_digest: bytes, image_bytes: bytes, max_side_px: int) -> tuple[bytes, int, int]:
    from PIL import Image, UnidentifiedImageError

    try:
        with Image.open(io.BytesIO(image_bytes)) as img:
            img.load()
            flat = flatten_on_white(img)
    except (UnidentifiedImageError, OSError, ValueError) as exc:
        raise CorruptFile(
            f"a page image for the rendered PDF cannot be decoded ({exc})", message_zh="页面图像无法解码"
        ) from exc
    flat.thumbnail((max_side_px, max_side_px))
    out = io.BytesIO()
    flat.save(out, format="JPEG", quality=THUMB_JPEG_QUALITY, optimize=True)
    return out.getvalue(), flat.width, flat.height


def flatten_on_white(img: Any) -> Any:
    """RGB without alpha: PDF/A-3 allows soft masks, but flat images keep the file simple to check."""
    from PIL import Image

    if img.mode in ("RGBA", "LA") or (img.mode == "P" and "transparency" in img.info):
        rgba = img.convert("RGBA")
        background = Image.new("RGB", rgba.size, (255, 255, 255))
        background.paste(rgba, mask=rgba.split()[-1])
        return background
    return img.convert("RGB")


def image_flowable(jpeg: bytes, px_w: int, px_h: int, *, max_w: float, max_h: float) -> Any:
    from reportlab.platypus import Image as RLImage

    scale = min(max_w / px_w, max_h / px_h)
    return RLImage(io.BytesIO(jpeg), width=px_w * scale, height=px_h * scale)
