"""Contract layouts → PDF bytes: text PDFs with an embedded CJK TrueType font (reportlab), page images, and
scanned (image-only) PDFs made from them.

A layout is a list of blocks (``Title``, ``Para``, ``Table``, ``Break``, ``Gap``). Text marks hand-filled blanks
with ``⟦value⟧``: they are drawn underlined, in ink colour and in a handwriting-style font (AR PL UKai from
Debian's fonts-arphic-ukai when installed; otherwise the body font a size larger), the way a clerk fills a
printed template. ``⟦⟧`` is a blank left empty.
"""

from __future__ import annotations

import io
import random
import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from xml.sax.saxutils import escape

import cv2
import numpy as np

BODY_FONT = ("DocBody", "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc", 0)
HAND_FONT = ("DocHand", "/usr/share/fonts/truetype/arphic/ukai.ttc", 0)
INK = "#1b2a78"
_FILL = re.compile(r"⟦(.*?)⟧")


@dataclass(frozen=True)
class Title:
    text: str
    size: float = 18
    align: str = "center"


@dataclass(frozen=True)
class Para:
    text: str
    indent: bool = False
    size: float = 10.5
    align: str = "left"


@dataclass(frozen=True)
class Table:
    rows: tuple[tuple[str, ...], ...]
    widths: tuple[float, ...] | None = None  # fractions of the frame width


@dataclass(frozen=True)
class Break:
    """A page break."""


@dataclass(frozen=True)
class Gap:
    height: float = 12


Block = Title | Para | Table | Break | Gap


@cache
def _fonts() -> tuple[str, str, bool]:
    """Registers the body and handwriting fonts once; returns their names and whether the hand font is real."""
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont

    name, path, index = BODY_FONT
    pdfmetrics.registerFont(TTFont(name, path, subfontIndex=index))
    hand_name, hand_path, hand_index = HAND_FONT
    if Path(hand_path).is_file():
        pdfmetrics.registerFont(TTFont(hand_name, hand_path, subfontIndex=hand_index))
        return name, hand_name, True
    return name, name, False


def _markup(text: str, size: float) -> str:
    """Our ⟦fill⟧ notation → reportlab paragraph markup."""
    _, hand, real_hand = _fonts()
    hand_size = size + (1.5 if real_hand else 1.0)
    out: list[str] = []
    pos = 0
    for m in _FILL.finditer(text):
        out.append(escape(text[pos : m.start()]))
        value = m.group(1)
        if value:
            out.append(
                f'<u><font name="{hand}" size="{hand_size}" color="{INK}">\u2002{escape(value)}\u2002</font></u>'
            )
        else:
            out.append("<u>\u2003\u2003\u2003\u2003\u2003\u2003</u>")
        pos = m.end()
    out.append(escape(text[pos:]))
    return "".join(out).replace("\n", "<br/>")


def render_text_pdf(
    blocks: list[Block], *, title: str = "contract", margin_mm: float = 22, footer: str | None = None
) -> bytes:
    """A4 text PDF with the CJK font embedded (subset), so its text layer reads back exactly."""
    from reportlab.lib import colors
    from reportlab.lib.enums import TA_CENTER, TA_LEFT, TA_RIGHT
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.lib.units import mm
    from reportlab.platypus import PageBreak, Paragraph, SimpleDocTemplate, Spacer
    from reportlab.platypus import Table as RlTable

    body, _, _ = _fonts()
    aligns = {"left": TA_LEFT, "center": TA_CENTER, "right": TA_RIGHT}
    buf = io.BytesIO()
    doc = SimpleDocTemplate(
        buf,
        pagesize=A4,
        leftMargin=margin_mm * mm,
        rightMargin=margin_mm * mm,
        topMargin=margin_mm * mm,
        bottomMargin=margin_mm * mm,
        title=title,
        author="docintel sample generator",
        invariant=1,  # no creation date or random ID: the same layout gives the same bytes
    )
    frame_w = A4[0] - 2 * margin_mm * mm
    story: list = []
    for b in blocks:
        if isinstance(b, Title):
            st = ParagraphStyle("t", fontName=body, fontSize=b.size, leading=b.size * 1.6, alignment=aligns[b.align])
            story.append(Paragraph(_markup(b.text, b.size), st))
        elif isinstance(b, Para):
            st = ParagraphStyle(
                "p",
                fontName=body,
                fontSize=b.size,
                leading=b.size * 1.9,
                wordWrap="CJK",
                alignment=aligns[b.align],
                firstLineIndent=2 * b.size if b.indent else 0,
                spaceAfter=b.size * 0.3,
            )
            story.append(Paragraph(_markup(b.text, b.size), st))
        elif isinstance(b, Table):
            st = ParagraphStyle("c", fontName=body, fontSize=10.5, leading=17, wordWrap="CJK")
            rows = [[Paragraph(_markup(c, 10.5), st) for c in row] for row in b.rows]
            widths = [frame_w * f for f in b.widths] if b.widths else None
            t = RlTable(rows, colWidths=widths)
            t.setStyle(
                [
                    ("GRID", (0, 0), (-1, -1), 0.6, colors.black),
                    ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
                    ("TOPPADDING", (0, 0), (-1, -1), 5),
                    ("BOTTOMPADDING", (0, 0), (-1, -1), 5),
                ]
            )
            story.extend([t, Spacer(1, 8)])
        elif isinstance(b, Break):
            story.append(PageBreak())
        elif isinstance(b, Gap):
            story.append(Spacer(1, b.height))

    def page_number(canvas, doc) -> None:
        if footer:
            canvas.setFont(body, 9)
            canvas.drawCentredString(A4[0] / 2, margin_mm * mm / 2, footer.format(n=doc.page))

    doc.build(story, onFirstPage=page_number, onLaterPages=page_number)
    return buf.getvalue()


def page_count(pdf: bytes) -> int:
    import pypdfium2 as pdfium

    doc = pdfium.PdfDocument(pdf)
    try:
        return len(doc)
    finally:
        doc.close()


def render_page_images(pdf: bytes, *, dpi: int = 200) -> list[np.ndarray]:
    """Each page as a BGR image, as a flatbed scanner or a document camera would see the paper."""
    import pypdfium2 as pdfium

    doc = pdfium.PdfDocument(pdf)
    try:
        images = []
        for page in doc:
            bitmap = page.render(scale=dpi / 72)
            images.append(np.ascontiguousarray(bitmap.to_numpy()[:, :, :3]))
            page.close()
        return images
    finally:
        doc.close()


# difficulty → (max rotation °, noise σ, blur σ, JPEG quality)
_SCAN_LEVELS = {"easy": (0.3, 3.0, 0.0, 88), "medium": (0.8, 6.0, 0.5, 75), "hard": (1.5, 9.0, 0.8, 62)}


def degrade_scan(image: np.ndarray, rng: random.Random, difficulty: str) -> np.ndarray:
    """A flatbed scan of the printed page: grey, slightly skewed, noisy, a little soft."""
    max_rot, noise, blur, _ = _SCAN_LEVELS[difficulty]
    grey = cv2.cvtColor(image, cv2.COLOR_BGR2GRAY)
    h, w = grey.shape
    angle = rng.uniform(-max_rot, max_rot)
    m = cv2.getRotationMatrix2D((w / 2, h / 2), angle, 1.0)
    m[:, 2] += (rng.uniform(-8, 8), rng.uniform(-8, 8))
    grey = cv2.warpAffine(grey, m, (w, h), flags=cv2.INTER_LINEAR, borderValue=int(rng.uniform(235, 250)))
    paper = rng.uniform(228, 248)
    out = grey.astype(np.float32) * (paper / 255.0)
    if blur:
        out = cv2.GaussianBlur(out, (0, 0), blur)
    nrng = np.random.default_rng(rng.randrange(2**32))
    out += nrng.normal(0.0, noise, out.shape)
    return cv2.cvtColor(np.clip(out, 0, 255).astype(np.uint8), cv2.COLOR_GRAY2BGR)


def images_to_pdf(images: list[np.ndarray], *, dpi: int, quality: int = 75) -> bytes:
    """An image-only PDF (no text layer), one JPEG-compressed page per image, as scanners write them."""
    from PIL import Image

    pil = [Image.fromarray(cv2.cvtColor(im, cv2.COLOR_BGR2RGB)).convert("L") for im in images]
    buf = io.BytesIO()
    pil[0].save(buf, format="PDF", save_all=True, append_images=pil[1:], resolution=float(dpi), quality=quality)
    return buf.getvalue()


def images_to_tiff(images: list[np.ndarray], *, dpi: int) -> bytes:
    """A multi-page greyscale TIFF (LZW), as office scanners and fax servers write them."""
    from PIL import Image

    pil = [Image.fromarray(cv2.cvtColor(im, cv2.COLOR_BGR2GRAY)) for im in images]
    buf = io.BytesIO()
    pil[0].save(buf, format="TIFF", save_all=True, append_images=pil[1:], compression="tiff_lzw", dpi=(dpi, dpi))
    return buf.getvalue()


def scanned_pages(pdf: bytes, rng: random.Random, difficulty: str, *, dpi: int) -> list[np.ndarray]:
    return [degrade_scan(im, rng, difficulty) for im in render_page_images(pdf, dpi=dpi)]


def scanned_pdf(
    pdf: bytes, rng: random.Random, difficulty: str, *, dpi: int | None = None, quality: int | None = None
) -> bytes:
    """The text PDF printed, scanned at 150–200 DPI and saved as an image-only PDF."""
    dpi = dpi or rng.choice((150, 200))
    quality = quality or _SCAN_LEVELS[difficulty][3]
    return images_to_pdf(scanned_pages(pdf, rng, difficulty, dpi=dpi), dpi=dpi, quality=quality)
