"""Photocopy: a grey or colour copy of a card instead of the card.

An ID card is printed in colour all over: a tinted security background, blue labels, a red emblem. A grey
copy keeps none of that colour; a colour copy keeps some of the labels' colour but its toner washes the pale
background out to flat paper white and leaves a toner or halftone grain where the card had smooth print.

Measured on the card canvas after a grey-world white balance (so the desk lamp's warm or cool light is not
taken for the card's colour):
- ``chroma``: the 99th percentile of colour saturation (Lab chroma): labels and emblem on a card, paler on a
  colour copy, nothing but noise on a grey copy;
- ``tint``: how much the background's colour varies, near 0 on any copy; no longer scored (a glare-washed
  original falls as low, and ``pale_print`` with square corners catches the colour copies), kept for benches;
- ``grain``: fine-scale texture of the background relative to the camera's own noise, high under toner;
- ``pale_print``: the colour pattern of the background at 1-5 mm (the guilloche rings and waves), which a
  copier's tone curve clips to paper white; on a colour copy it is flat even where labels keep their colour;
- ``corner_gap`` (corners.py): the desk seen beyond the card's rounded corners, none on a copy's square paper.
"""

from __future__ import annotations

import cv2
import numpy as np

from capture.trust import corners
from capture.trust.canvas import Card, ramp
from capture.trust.screen import spectral_peak


def features(card: Card) -> dict[str, float]:
    bgr = card.bgr.astype(np.float32)
    grey = bgr.mean(axis=2)
    bright = grey >= np.percentile(grey, 60)
    white = np.array([np.percentile(bgr[..., c][bright], 90) for c in range(3)], np.float32)
    balanced = np.clip(bgr * (235.0 / np.maximum(white, 1.0)), 0, 255).astype(np.uint8)
    lab = cv2.cvtColor(balanced, cv2.COLOR_BGR2LAB).astype(np.float32)
    a, b = lab[..., 1] - 128, lab[..., 2] - 128
    chroma = np.hypot(cv2.GaussianBlur(a, (0, 0), 1.5), cv2.GaussianBlur(b, (0, 0), 1.5))
    # Background: the bright, ink-free part of the card away from its edge.
    lum = lab[..., 0]
    ink = cv2.dilate((lum < np.percentile(lum, 70) - 25).astype(np.uint8), np.ones((7, 7), np.uint8)) > 0
    inner = np.zeros_like(ink)
    inner[30:-30, 30:-30] = True
    bg = inner & ~ink
    if bg.sum() < 1000:
        bg = inner
    sa = cv2.GaussianBlur(a, (0, 0), 4)[bg]
    sb = cv2.GaussianBlur(b, (0, 0), 4)[bg]
    # Ink: clearly darker than the local background (labels are blue, values black on a card; all grey on a
    # grey copy). Chroma taken lightly smoothed: JPEG halves the colour resolution of thin strokes.
    local_bg = cv2.dilate(lum, np.ones((9, 9), np.uint8))
    strokes = (lum < local_bg - 15) & inner
    ink_chroma = np.hypot(cv2.GaussianBlur(a, (0, 0), 0.8), cv2.GaussianBlur(b, (0, 0), 0.8))[strokes]
    if ink_chroma.size < 200:
        ink_chroma = np.zeros(1, np.float32)
    # The pale print's pattern: a band-pass of a and b between the camera's noise and the lamp's falloff.
    pale = [cv2.GaussianBlur(c, (0, 0), 2.5) - cv2.GaussianBlur(c, (0, 0), 15) for c in (a, b)]
    fine = lum - cv2.GaussianBlur(lum, (0, 0), 1.2)
    mid = cv2.GaussianBlur(lum, (0, 0), 1.2) - cv2.GaussianBlur(lum, (0, 0), 6)
    return {
        "chroma": float(np.percentile(chroma, 99)),
        "chroma_bg": float(np.median(chroma[bg])),
        "ink_p75": float(np.percentile(ink_chroma, 75)),
        "ink_p90": float(np.percentile(ink_chroma, 90)),
        "ink_coloured": float((ink_chroma > 12).mean()),
        "ink_coloured8": float((ink_chroma > 8).mean()),
        "coloured_area": float((chroma > 8).mean()),
        "tint": float(np.hypot(sa.std(), sb.std())),
        "bg_mid": float(np.std(mid[bg])),
        "bg_fine": float(np.std(fine[bg])),
        "peak": spectral_peak(card.native),
        "pale_print": float(np.hypot(pale[0][bg].std(), pale[1][bg].std())),
        "corner_gap": corners.gap(card.bgr),
        "back": float(card.side == "back"),
        "unknown_side": float(card.side == "unknown"),
    }


def score(f: dict[str, float]) -> float:
    # A grey copy: hardly any stroke keeps a colour (a card's labels are blue, its emblem red).
    grey = ramp(f["ink_coloured8"], 0.02, 0.008)
    # A halftone copy: the toner screen's dots repeat, and the colour is still poor.
    halftone = min(ramp(f["peak"], 5.6, 5.85), ramp(f["coloured_area"], 0.1, 0.06))
    # A colour copy on paper: square corners, the pale print flattened, and the strongest colour (the front's
    # blue labels, the back's red emblem) paler than a card's. Each alone is not enough: a card on a white or
    # grey desk shows no corners, glare or a phone's low resolution flattens an original's pale print. The
    # back's waves and emblem are stronger colour than the front's tint and labels, so its bars are higher.
    # Where no layout was recognised (a copier may wash the portrait box out too) the crop may not follow the
    # card's outline either: a flatter print is asked for.
    square = ramp(f.get("corner_gap", 255.0), 15.0, 10.0)
    lo, hi = (1.0, 0.8) if f.get("unknown_side") else (2.6, 2.3) if f.get("back") else (1.6, 1.3)
    flat = ramp(f.get("pale_print", 99.0), lo, hi)
    faded = ramp(f["chroma"], 60.0, 56.0) if f.get("back") else ramp(f["chroma"], 9.5, 8.5)
    return max(grey, halftone, min(square, flat, faded))
