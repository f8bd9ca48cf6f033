"""Flat renderings of both sides of a (fake) second-generation resident ID card, drawn with PIL.

The layout follows the real card (85.6 × 54 mm): blue labels in one typeface and black values in another, the
birth date as ``1990 年 1 月 5 日`` without leading zeros, the address wrapped over up to three lines, an
OCR-B-like monospaced number, a grey photo box; on the back the emblem, ``中华人民共和国 / 居民身份证``,
``签发机关`` and ``有效期限 2015.03.12-2035.03.12`` (or ``-长期``). Everything drawn comes from ``rng``.
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass

import numpy as np
from PIL import Image, ImageDraw, ImageFilter, ImageFont

from samples.generator.fonts import font
from samples.generator.identities import Person

CARD_MM = (85.6, 54.0)
PX_PER_MM = 16  # 1370 × 864 px: sharper than any camera frame, so the camera model only ever downsamples

LABEL_COLOURS = [(40, 110, 170), (60, 120, 175), (30, 95, 150)]
VALUE_FONTS = ["microhei", "sans", "serif", "sans_bold"]
ADDRESS_WIDTH_MM = 36.0  # real cards wrap the address after about eleven characters


@dataclass(frozen=True)
class CardStyle:
    """What varies from one card to the next, drawn once per card so both sides stay consistent."""

    label_colour: tuple[int, int, int]
    value_font: str
    number_font: str
    tint: tuple[int, int, int]  # background base colour
    wave_phase: float
    ink: int  # value ink darkness (0 = black)

    @staticmethod
    def draw(rng: random.Random) -> CardStyle:
        return CardStyle(
            label_colour=rng.choice(LABEL_COLOURS),
            value_font=rng.choice(VALUE_FONTS),
            number_font=rng.choice(["mono_bold", "mono_bold", "mono"]),
            tint=(rng.randint(236, 248), rng.randint(238, 248), rng.randint(232, 246)),
            wave_phase=rng.uniform(0, 2 * math.pi),
            ink=rng.randint(0, 40),
        )


def _mm(v: float) -> int:
    return round(v * PX_PER_MM)


def _size() -> tuple[int, int]:
    return _mm(CARD_MM[0]), _mm(CARD_MM[1])


def _background(style: CardStyle, *, back: bool) -> Image.Image:
    """Pale security print: a base tint, low-contrast waves and a few guilloche curves."""
    w, h = _size()
    yy, xx = np.mgrid[0:h, 0:w].astype(np.float32)
    base = np.empty((h, w, 3), np.float32)
    base[:] = style.tint
    waves = np.sin(xx / 23.0 + 3 * np.sin(yy / 61.0 + style.wave_phase)) * np.cos(yy / 37.0 - style.wave_phase)
    base += waves[..., None] * np.array([-6.0, -3.0, 2.0] if back else [-4.0, -2.0, -6.0], np.float32)
    centre = (w * (0.3 if back else 0.62), h * 0.55)
    r = np.hypot(xx - centre[0], yy - centre[1])
    base += (np.sin(r / 9.0) * 4.0)[..., None] * np.array([1.0, -1.0, 0.5], np.float32)
    img = Image.fromarray(np.clip(base, 0, 255).astype(np.uint8), "RGB")
    draw = ImageDraw.Draw(img)
    colour = (214, 196, 222) if back else (200, 218, 226)
    for k in range(14):
        pts = []
        for i in range(0, w + 20, 12):
            y = h * (k + 0.5) / 14 + 18 * math.sin(i / 90.0 + k * 0.7 + style.wave_phase)
            pts.append((i, y))
        draw.line(pts, fill=colour, width=2)
    return img


def _text(
    draw: ImageDraw.ImageDraw, xy: tuple[float, float], text: str, fnt: ImageFont.FreeTypeFont, fill, spacing=0.0
):
    """Draws ``text`` with its top-left at ``xy`` (mm), ``spacing`` extra mm between characters."""
    x, y = _mm(xy[0]), _mm(xy[1])
    if not spacing:
        draw.text((x, y), text, font=fnt, fill=fill)
        return
    for ch in text:
        draw.text((x, y), ch, font=fnt, fill=fill)
        x += fnt.getlength(ch) + _mm(spacing)


def wrap_address(address: str, fnt: ImageFont.FreeTypeFont, width_mm: float = ADDRESS_WIDTH_MM) -> list[str]:
    """Splits the address where it would overflow the printed width, like the card's own layout."""
    lines, current = [], ""
    for ch in address:
        if current and fnt.getlength(current + ch) > _mm(width_mm):
            lines.append(current)
            current = ""
        current += ch
    return [*lines, current] if current else lines


def _photo_box(img: Image.Image, rng: random.Random) -> None:
    """The portrait area: a grey box with a faint head-and-shoulders shape (no real face)."""
    x0, y0, x1, y1 = _mm(55.5), _mm(5.5), _mm(81.5), _mm(38.0)
    grey = rng.randint(168, 200)
    box = Image.new("RGB", (x1 - x0, y1 - y0), (grey, grey, grey + 4))
    d = ImageDraw.Draw(box)
    bw, bh = box.size
    shade = (grey - 38, grey - 38, grey - 34)
    d.ellipse((bw * 0.3, bh * 0.12, bw * 0.7, bh * 0.6), fill=shade)
    d.ellipse((bw * 0.08, bh * 0.62, bw * 0.92, bh * 1.35), fill=shade)
    box = box.filter(ImageFilter.GaussianBlur(6))
    img.paste(box, (x0, y0))


def render_front(person: Person, style: CardStyle, rng: random.Random) -> Image.Image:
    img = _background(style, back=False)
    draw = ImageDraw.Draw(img)
    label = font("sans", _mm(2.5))
    value = font(style.value_font, _mm(3.0))
    name_font = font(style.value_font, _mm(3.6))
    ink = (style.ink,) * 3
    lc = style.label_colour
    _photo_box(img, rng)

    _text(draw, (6.5, 6.6), "姓 名", label, lc, spacing=0.6)
    _text(draw, (17.5, 5.9), person.name, name_font, ink)
    _text(draw, (6.5, 13.2), "性 别", label, lc, spacing=0.6)
    _text(draw, (17.5, 12.8), person.sex, value, ink)
    _text(draw, (28.0, 13.2), "民 族", label, lc, spacing=0.6)
    _text(draw, (38.0, 12.8), person.ethnicity, value, ink)

    b = person.birth_date
    _text(draw, (6.5, 19.8), "出 生", label, lc, spacing=0.6)
    x = 17.5
    for part, unit in ((f"{b.year}", "年"), (f"{b.month}", "月"), (f"{b.day}", "日")):
        _text(draw, (x, 19.4), part, value, ink)
        x += value.getlength(part) / PX_PER_MM + 1.2
        _text(draw, (x, 19.8), unit, label, lc)
        x += 4.2

    _text(draw, (6.5, 26.4), "住 址", label, lc, spacing=0.6)
    for i, line in enumerate(wrap_address(person.address, value)[:3]):
        _text(draw, (17.5, 26.0 + 4.6 * i), line, value, ink)

    _text(draw, (6.5, 46.0), "公民身份号码", label, lc)
    _text(draw, (29.5, 45.0), person.id_number, font(style.number_font, _mm(3.6)), ink, spacing=0.35)
    return img


def _emblem(img: Image.Image) -> None:
    """A stylised round emblem (red disc, gold ring and stars): recognisably placed, not a reproduction."""
    d = ImageDraw.Draw(img)
    cx, cy, r = _mm(14.0), _mm(13.5), _mm(7.8)
    d.ellipse((cx - r, cy - r, cx + r, cy + r), fill=(196, 40, 40), outline=(222, 180, 60), width=_mm(0.8))
    for k, (dx, dy, s) in enumerate(
        ((-0.35, -0.35, 0.28), (0.05, -0.55, 0.12), (0.3, -0.35, 0.12), (0.38, -0.05, 0.12))
    ):
        px, py, rr = cx + dx * r, cy + dy * r, s * r
        pts = [
            (px + rr * (1 if i % 2 == 0 else 0.4) * math.cos(math.pi / 2 + i * math.pi / 5 + k),
             py - rr * (1 if i % 2 == 0 else 0.4) * math.sin(math.pi / 2 + i * math.pi / 5 + k))
            for i in range(10)
        ]  # fmt: skip
        d.polygon(pts, fill=(236, 200, 70))
    d.rectangle((cx - 0.45 * r, cy + 0.1 * r, cx + 0.45 * r, cy + 0.45 * r), fill=(236, 200, 70))


def validity_text(person: Person) -> str:
    until = "长期" if person.valid_until is None else f"{person.valid_until:%Y.%m.%d}"
    return f"{person.valid_from:%Y.%m.%d}-{until}"


def render_back(person: Person, style: CardStyle) -> Image.Image:
    img = _background(style, back=True)
    draw = ImageDraw.Draw(img)
    _emblem(img)
    ink = (style.ink,) * 3
    _text(draw, (27.5, 6.0), "中华人民共和国", font("sans_bold", _mm(4.4)), ink, spacing=1.6)
    _text(draw, (25.5, 16.0), "居民身份证", font("serif_bold", _mm(6.8)), ink, spacing=2.4)
    label = font("sans", _mm(2.5))
    value = font(style.value_font, _mm(3.0))
    _text(draw, (14.0, 40.6), "签发机关", label, style.label_colour)
    _text(draw, (29.0, 40.0), person.issuing_authority, value, ink)
    _text(draw, (14.0, 47.0), "有效期限", label, style.label_colour)
    _text(draw, (29.0, 46.4), validity_text(person), value, ink)
    return img


def rounded_alpha(size: tuple[int, int], radius_mm: float = 3.2) -> Image.Image:
    """The card's outline: a mask with the rounded corners of an ID-1 card."""
    mask = Image.new("L", size, 0)
    ImageDraw.Draw(mask).rounded_rectangle((0, 0, size[0] - 1, size[1] - 1), radius=_mm(radius_mm), fill=255)
    return mask
