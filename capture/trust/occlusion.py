"""Occluded: a finger or an object lying over the card.

Nothing printed on a card is both large and thick: text strokes are under a millimetre wide, the portrait box
and the emblem sit where the layout puts them. A fingertip is a skin-coloured blob several millimetres thick,
a pen or a phone corner a dark one. Each pixel's lightness is taken relative to the card's local white
(a wide maximum filter), so the lamp's falloff is not taken for a shadow; blobs that survive an opening with a
3 mm disc are counted, outside the portrait box (front) and the emblem (back).

- ``skin``: share of the card covered by thick skin-coloured blobs;
- ``dark``: share covered by thick dark blobs;
Both are also returned as a mask, which border.py reads along the card's edge.
"""

from __future__ import annotations

import cv2
import numpy as np

from capture.trust.canvas import EMBLEM_MM, PORTRAIT_MM, Card, px, ramp


def blobs(card: Card) -> tuple[np.ndarray, np.ndarray]:
    """Masks (bool, canvas size) of thick skin-coloured and thick dark blobs."""
    bgr = card.bgr
    hsv = cv2.cvtColor(bgr, cv2.COLOR_BGR2HSV)
    v = hsv[..., 2].astype(np.float32)
    white = cv2.GaussianBlur(cv2.dilate(v, np.ones((61, 61), np.uint8)), (0, 0), 15)
    rel = v / np.maximum(white, 1.0)
    h, s = hsv[..., 0], hsv[..., 1].astype(np.float32)
    skin = ((h <= 22) | (h >= 172)) & (s >= 45) & (s <= 175) & (rel > 0.35)
    dark = rel < 0.42
    keep = np.ones(bgr.shape[:2], bool)
    if card.side == "front":
        x0, y0, x1, y1 = px(PORTRAIT_MM)
        keep[y0 - 5 : y1 + 5, x0 - 5 : x1 + 5] = False
    x0, y0, x1, y1 = px(EMBLEM_MM)
    emblem = hsv[y0:y1, x0:x1]
    red = ((emblem[..., 0] < 10) | (emblem[..., 0] > 165)) & (emblem[..., 1] > 90)
    # A back whose emblem a glare washed out can pass for a front; red where the emblem sits still tells.
    if card.side == "back" or red.mean() >= 0.03:
        keep[max(y0 - 5, 0) : y1 + 5, max(x0 - 5, 0) : x1 + 5] = False
    disc = cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (31, 31))
    out = []
    for m in (skin, dark):
        opened = cv2.morphologyEx((m & keep).astype(np.uint8), cv2.MORPH_OPEN, disc) > 0
        out.append(opened)
    return out[0], out[1]


def features(card: Card, masks: tuple[np.ndarray, np.ndarray] | None = None) -> dict[str, float]:
    skin, dark = masks if masks is not None else blobs(card)
    inner = np.zeros_like(skin)
    inner[25:-25, 25:-25] = True
    return {"skin": float((skin & inner).mean()), "dark": float((dark & inner).mean())}


def score(f: dict[str, float]) -> float:
    return max(ramp(f["skin"], 0.006, 0.012), ramp(f["dark"], 0.006, 0.012))
