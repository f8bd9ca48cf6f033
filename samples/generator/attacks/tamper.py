"""Edited ID card fronts: one field re-rendered, a pasted number block, a number whose check digit is wrong.

Each edit starts from the card as printed (``idcard_render.render_front``) and changes one field the way an
image editor would: paint over it with the card's background and type a new value in a near font or size, or
paste a number block cut from another image (its own noise and sharpness), or print a number that fails GB
11643 (only the OCR-text cue can see that one).
"""

from __future__ import annotations

import dataclasses
import random

import cv2
import numpy as np
from PIL import Image, ImageDraw

from samples.generator.fonts import font
from samples.generator.idcard_render import PX_PER_MM, CardStyle, render_front
from samples.generator.identities import Person

# variant → what is edited
VARIANTS = ("name_near_font", "number_pasted", "name_pasted", "number_check_digit", "number_near_font")
HELD_OUT = ("number_near_font",)

# (x0, y0, x1, y1) in mm of the value areas of render_front.
NAME_BOX_MM = (17.0, 5.4, 52.0, 10.8)
NUMBER_BOX_MM = (29.0, 44.4, 82.0, 50.2)


def _box(mm: tuple[float, float, float, float]) -> tuple[int, int, int, int]:
    return tuple(round(v * PX_PER_MM) for v in mm)  # type: ignore[return-value]


def _near_font(style: CardStyle, rng: random.Random, number: bool) -> str:
    used = style.number_font if number else style.value_font
    pool = ["mono", "mono_bold", "sans_bold"] if number else ["microhei", "sans", "serif", "sans_bold", "serif_bold"]
    return rng.choice([f for f in pool if f != used])


def _retype(img: Image.Image, box_mm, text: str, role: str, size_mm: float, style: CardStyle, rng, spacing=0.0):
    """Paints the field over with the local background and types ``text`` again, a little off in size/baseline."""
    arr = np.asarray(img).copy()
    x0, y0, x1, y1 = _box(box_mm)
    # The background the editor's clone brush would give: the card's tint with a blurred texture.
    patch = cv2.GaussianBlur(arr[y0 - 30 : y0 - 4, x0:x1].astype(np.float32), (0, 0), 3).mean(axis=0)
    arr[y0:y1, x0:x1] = np.clip(patch[None, :, :] + rng.uniform(-2, 2), 0, 255).astype(np.uint8)
    out = Image.fromarray(arr, "RGB")
    draw = ImageDraw.Draw(out)
    fnt = font(role, round(size_mm * PX_PER_MM * rng.uniform(0.9, 1.12)))
    x, y = x0 + rng.randint(-4, 8), y0 + rng.randint(2, 14)
    ink = (style.ink + rng.randint(10, 40),) * 3
    for ch in text:
        draw.text((x, y), ch, font=fnt, fill=ink)
        x += fnt.getlength(ch) + round(spacing * PX_PER_MM)
    return out


def _paste(img: Image.Image, box_mm, rng: random.Random) -> Image.Image:
    """The field's block replaced by a copy of itself that went through another camera: softer or sharper,
    with its own grain, a slightly different tone."""
    arr = np.asarray(img).astype(np.float32)
    x0, y0, x1, y1 = _box(box_mm)
    block = arr[y0:y1, x0:x1]
    nrng = np.random.default_rng(rng.getrandbits(32))
    if rng.random() < 0.5:
        block = cv2.GaussianBlur(block, (0, 0), rng.uniform(1.5, 3.0))
    else:  # upscaled from a smaller picture: blocky and soft
        f = rng.uniform(0.25, 0.4)
        small = cv2.resize(block, None, fx=f, fy=f, interpolation=cv2.INTER_AREA)
        block = cv2.resize(small, (x1 - x0, y1 - y0), interpolation=cv2.INTER_NEAREST)
    block = block * rng.uniform(0.93, 1.05) + nrng.normal(0, rng.uniform(6, 12), block.shape[:2])[..., None]
    arr[y0:y1, x0:x1] = block
    return Image.fromarray(np.clip(arr, 0, 255).astype(np.uint8), "RGB")


def _wrong_check_digit(person: Person, rng: random.Random) -> Person:
    body = person.id_number[:17]
    last = rng.choice([c for c in "0123456789X" if c != person.id_number[17]])
    return dataclasses.replace(person, id_number=body + last)


def tampered_front(person: Person, style: CardStyle, variant: str, rng: random.Random) -> tuple[Image.Image, Person]:
    """The edited front and the person it now shows."""
    if variant == "number_check_digit":
        shown = _wrong_check_digit(person, rng)
        return render_front(shown, style, rng), shown
    img = render_front(person, style, rng)
    if variant == "name_near_font":
        return _retype(img, NAME_BOX_MM, person.name, _near_font(style, rng, False), 3.6, style, rng), person
    if variant == "number_near_font":
        role = _near_font(style, rng, True)
        return _retype(img, NUMBER_BOX_MM, person.id_number, role, 3.6, style, rng, spacing=0.35), person
    if variant == "number_pasted":
        return _paste(img, NUMBER_BOX_MM, rng), person
    if variant == "name_pasted":
        return _paste(img, NAME_BOX_MM, rng), person
    raise ValueError(f"unknown tamper variant {variant!r}")
