"""Things over a card: a fingertip or an object on a field, or a corner of the card covered.

Drawn on the flat rendering (16 px/mm) before the camera shoots it, so the camera's light, blur and noise fall
on them as on the card.
"""

from __future__ import annotations

import random

import cv2
import numpy as np
from PIL import Image

from samples.generator.idcard_render import PX_PER_MM

VARIANTS = ("finger", "pen", "coin", "finger_corner", "dark_object_corner")
HELD_OUT = ("coin",)
# Field areas of the front in mm (name, birth date, address, number) where a thumb rests while holding the card.
FIELDS_MM = [(17, 5, 50, 11), (17, 19, 50, 25), (17, 26, 52, 40), (29, 44, 82, 50)]


def _skin(rng: random.Random) -> np.ndarray:
    """A skin tone, BGR-free RGB, from pale to dark."""
    base = rng.choice([(232, 190, 160), (214, 160, 124), (190, 138, 100), (150, 100, 70), (240, 200, 178)])
    return np.array([c + rng.randint(-10, 10) for c in base], np.float32)


def _finger(h: int, w: int, at: tuple[float, float], angle: float, width_px: float, rng) -> np.ndarray:
    """Soft mask of a fingertip: a rounded stroke from ``at`` off beyond the card's edge."""
    mask = np.zeros((h, w), np.float32)
    x, y = at
    far = (x + 3 * w * np.cos(angle), y + 3 * w * np.sin(angle))
    cv2.line(mask, (int(x), int(y)), (int(far[0]), int(far[1])), 1.0, int(width_px))
    cv2.circle(mask, (int(x), int(y)), int(width_px / 2), 1.0, -1)
    return cv2.GaussianBlur(mask, (0, 0), width_px * 0.08)


def _paint(arr: np.ndarray, mask: np.ndarray, colour: np.ndarray, shade: float, rng) -> np.ndarray:
    """Blends a solid, softly shaded object over the card."""
    h, w = mask.shape
    yy, xx = np.mgrid[0:h, 0:w].astype(np.float32)
    a = rng.uniform(0, 2 * np.pi)
    light = 1 + shade * (np.cos(a) * (xx / w - 0.5) + np.sin(a) * (yy / h - 0.5))
    obj = colour[None, None, :] * light[..., None]
    return arr * (1 - mask[..., None]) + obj * mask[..., None]


def covered(card: Image.Image, variant: str, rng: random.Random) -> Image.Image:
    arr = np.asarray(card.convert("RGB")).astype(np.float32)
    h, w = arr.shape[:2]
    mm = PX_PER_MM
    if variant in ("finger", "pen", "coin"):
        x0, y0, x1, y1 = rng.choice(FIELDS_MM)
        at = (rng.uniform(x0, x1) * mm, rng.uniform(y0, y1) * mm)
    if variant == "finger":
        mask = _finger(h, w, at, rng.uniform(0, 2 * np.pi), rng.uniform(14, 19) * mm, rng)
        arr = _paint(arr, mask, _skin(rng), 0.5, rng)
    elif variant == "pen":
        mask = _finger(h, w, at, rng.uniform(0, 2 * np.pi), rng.uniform(7, 10) * mm, rng)
        colour = np.array(rng.choice([(20, 20, 24), (20, 40, 120), (150, 20, 25), (40, 40, 40)]), np.float32)
        arr = _paint(arr, mask, colour, 0.8, rng)
    elif variant == "coin":
        mask = np.zeros((h, w), np.float32)
        cv2.circle(mask, (int(at[0]), int(at[1])), int(rng.uniform(9, 12.5) * mm), 1.0, -1)
        mask = cv2.GaussianBlur(mask, (0, 0), 2)
        colour = np.array(rng.choice([(170, 170, 165), (190, 150, 70), (120, 110, 100)]), np.float32)
        arr = _paint(arr, mask, colour, 0.9, rng)
    elif variant in ("finger_corner", "dark_object_corner"):
        cx, cy = rng.choice([(0, 0), (w, 0), (0, h), (w, h)])
        at = (
            cx + (1 if cx == 0 else -1) * rng.uniform(6, 12) * mm,
            cy + (1 if cy == 0 else -1) * rng.uniform(6, 12) * mm,
        )
        angle = np.arctan2(cy - at[1], cx - at[0])
        mask = _finger(h, w, at, angle, rng.uniform(15, 19) * mm, rng)
        colour = _skin(rng) if variant == "finger_corner" else np.array((30, 30, 34), np.float32)
        arr = _paint(arr, mask, colour, 0.5, rng)
    else:
        raise ValueError(f"unknown cover variant {variant!r}")
    return Image.fromarray(np.clip(arr, 0, 255).astype(np.uint8), "RGB")
