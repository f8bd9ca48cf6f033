"""The card as every cue sees it: resampled to 10 px/mm (856 × 540), turned so its layout can be looked up.

Cues read printed areas by where they sit on a real second-generation ID card (85.6 × 54 mm): the portrait box
on the front's right, the emblem on the back's top left. ``Card`` says which side it looks like and holds the
crop both at the canvas scale and as captured (frequency cues need the captured pixels, not resampled ones).
"""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np

PX_PER_MM = 10
CANVAS = (856, 540)  # w, h
ID_ASPECT = 85.6 / 54.0

# mm boxes (x0, y0, x1, y1) on the upright card.
PORTRAIT_MM = (55.5, 5.5, 81.5, 38.0)
EMBLEM_MM = (5.5, 5.0, 23.0, 22.5)
NAME_MM = (17.0, 5.4, 52.0, 11.0)
NUMBER_MM = (29.0, 44.4, 82.0, 50.4)
# Value areas of the front that are not the name or the number (sex/ethnicity/birth, address).
OTHER_VALUES_MM = ((17.0, 12.5, 50.0, 25.5), (17.0, 25.6, 53.0, 40.5))


def px(box_mm: tuple[float, float, float, float]) -> tuple[int, int, int, int]:
    return tuple(round(v * PX_PER_MM) for v in box_mm)  # type: ignore[return-value]


def ramp(x: float, lo: float, hi: float) -> float:
    """0 at ``lo``, 1 at ``hi`` (either order), linear between: how far a feature has moved from what an
    original shows towards what an attack shows."""
    if hi == lo:
        return float(x >= hi)
    return float(np.clip((x - lo) / (hi - lo), 0.0, 1.0))


def card_shaped(image: np.ndarray) -> bool:
    h, w = image.shape[:2]
    # Capture warps an ID card to its exact shape (a screen with its bezel, a copy on its paper come out a
    # little squarer, ~1.47); A4 (1.41) and 16:9 frames (1.78) stay outside.
    return abs(max(w, h) / max(min(w, h), 1) - ID_ASPECT) < 0.16


@dataclass(frozen=True)
class Card:
    bgr: np.ndarray  # canvas, 856 × 540, upright as far as the layout tells
    native: np.ndarray  # the crop as captured, grey
    side: str  # "front" (portrait box seen), "back" (emblem seen) or "unknown"


def _portrait_box(bgr: np.ndarray) -> float:
    """How much the portrait box stands out as a flat, unsaturated, darker-than-card block (0..1)."""
    x0, y0, x1, y1 = px(PORTRAIT_MM)
    box = cv2.cvtColor(bgr[y0:y1, x0:x1], cv2.COLOR_BGR2GRAY).astype(np.float32)
    left = cv2.cvtColor(bgr[y0:y1, 20 : x0 - 40], cv2.COLOR_BGR2GRAY).astype(np.float32)
    return ramp(float(np.median(left) - np.median(box)), 10, 35)


def _emblem(bgr: np.ndarray) -> float:
    x0, y0, x1, y1 = px(EMBLEM_MM)
    hsv = cv2.cvtColor(bgr[y0:y1, x0:x1], cv2.COLOR_BGR2HSV)
    red = ((hsv[..., 0] < 10) | (hsv[..., 0] > 165)) & (hsv[..., 1] > 90)
    return ramp(float(red.mean()), 0.08, 0.3)


def card_of(image: np.ndarray, *, any_shape: bool = False) -> Card | None:
    """The canvas of a card-shaped crop; None for anything else (a contract page, a whole frame) unless
    ``any_shape`` (then a page of another shape is stretched onto the canvas, for cues that need no layout)."""
    if image is None or image.ndim != 3 or min(image.shape[:2]) < 16 or not (any_shape or card_shaped(image)):
        return None
    h, w = image.shape[:2]
    if h > w:
        image = cv2.rotate(image, cv2.ROTATE_90_CLOCKWISE)
    bgr = cv2.resize(image, CANVAS, interpolation=cv2.INTER_AREA)
    turned = cv2.rotate(bgr, cv2.ROTATE_180)
    scores = {
        ("front", False): _portrait_box(bgr),
        ("front", True): _portrait_box(turned),
        ("back", False): _emblem(bgr),
        ("back", True): _emblem(turned),
    }
    (side, flip), best = max(scores.items(), key=lambda kv: kv[1])
    if not card_shaped(image):
        best, flip = 0.0, False
    grey = cv2.cvtColor(image, cv2.COLOR_BGR2GRAY)
    if flip:
        bgr, grey = turned, cv2.rotate(grey, cv2.ROTATE_180)
    return Card(bgr, grey, side if best >= 0.5 else "unknown")
