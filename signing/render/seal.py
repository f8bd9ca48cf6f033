"""The visible seal of a signature: a small one-page PDF drawn by reportlab (with the embedded CJK font), which
pyHanko imports as the signature widget's appearance. Drawing it here keeps pyHanko from using its default
Helvetica, which is not embedded and so not allowed in PDF/A."""

from __future__ import annotations

import io
from datetime import datetime
from pathlib import Path

from signing.data import DEFAULT_TIME_ZONE, zone

from .common import register_cjk_font

SEAL_RED = (0.78, 0.1, 0.12)


def render_seal(
    *,
    width: float,
    height: float,
    title: str,
    signer: str,
    when: datetime,
    level: str,
    font_path: Path,
    time_zone: str = DEFAULT_TIME_ZONE,
) -> bytes:
    """``when`` is shown in ``time_zone`` (the fund's), with its offset: ``2026-12-04 22:53:06 +08:00``."""
    from reportlab.lib.utils import simpleSplit
    from reportlab.pdfgen import canvas

    font = register_cjk_font(font_path)
    buf = io.BytesIO()
    c = canvas.Canvas(buf, pagesize=(width, height), initialFontName=font, invariant=1)
    c.setStrokeColorRGB(*SEAL_RED)
    c.setFillColorRGB(*SEAL_RED)
    c.setLineWidth(1.6)
    c.roundRect(1, 1, width - 2, height - 2, 6, stroke=1, fill=0)
    r = min(height / 2 - 6, 28)
    cx, cy = 6 + r, height / 2
    c.circle(cx, cy, r, stroke=1, fill=0)
    c.setFont(font, 9.5)
    c.drawCentredString(cx, cy + 2, title[:2])
    c.drawCentredString(cx, cy - 9, title[2:4])
    x = cx + r + 6
    c.setFont(font, 8.5)
    c.drawString(x, height - 16, title)
    c.setFont(font, 6.5)
    c.setFillGray(0.15)
    for i, line in enumerate(simpleSplit(signer, font, 6.5, width - x - 6)[:3]):
        c.drawString(x, height - 28 - i * 8.5, line)
    c.drawString(x, 15, f"PAdES {level}")
    local = when.astimezone(zone(time_zone))
    offset = local.strftime("%z")
    c.drawString(x, 7, f"{local:%Y-%m-%d %H:%M:%S} {offset[:3]}:{offset[3:]}")
    c.showPage()
    c.save()
    return buf.getvalue()
