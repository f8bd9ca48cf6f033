"""Tampered: signs that a field of an ID card front was edited (a warning for the clerk, never a verdict).

An edited field was made apart from the rest of the card: re-typed in a font, size or ink that is close but
not the same, or pasted from another picture with its own sharpness and grain. So the name and the number are
compared with the card's other values, which were printed with them:
- ``sharp_*``: steepest ink edges over ink contrast in the field, relative to the other values (a pasted
  block is softer or blockier, a re-typed one may be crisper);
- ``noise_*``: fine-scale grain of the field's background against the background just around it;
- ``ink_*``: ink darkness relative to the local background, against the other values.
Only on a card whose portrait box says it is a front. The ID number's check digit is judged where OCR text
is available (pipeline/documents/trust_text.py).
"""

from __future__ import annotations

import cv2
import numpy as np

from capture.trust.canvas import NAME_MM, NUMBER_MM, OTHER_VALUES_MM, Card, px, ramp

INK_DROP = 60  # grey levels below the paper that only printed values reach (not the pale guilloche)
EDGE_PAD = 8  # px kept either side of the inked columns (0.8 mm: the strokes' edges and some paper)


def _region_stats(grey: np.ndarray, box: tuple[int, int, int, int]) -> tuple[float, float, float]:
    x0, y0, x1, y1 = box
    g = grey[y0:y1, x0:x1]
    # Only the columns the value's ink spans: a two-character name leaves most of its box empty, and the
    # percentiles below would then read the background as the ink (an original flagged for its short name).
    inked = np.flatnonzero((g < np.percentile(g, 85) - INK_DROP).sum(axis=0) >= 2)
    if inked.size:
        g = g[:, max(inked[0] - EDGE_PAD, 0) : inked[-1] + EDGE_PAD + 1]
    paper = float(np.percentile(g, 85))
    inkv = float(np.percentile(g, 3))
    contrast = max(paper - inkv, 8.0)
    gx = cv2.Sobel(g, cv2.CV_32F, 1, 0, ksize=3) / 8
    gy = cv2.Sobel(g, cv2.CV_32F, 0, 1, ksize=3) / 8
    sharp = float(np.percentile(cv2.magnitude(gx, gy), 98)) / contrast
    # Grain: the high-pass residue where there is no ink (within 12 % of the paper level).
    resid = g - cv2.medianBlur(g.astype(np.uint8), 3).astype(np.float32)
    flat = g > paper - 0.12 * contrast
    noise = float(np.std(resid[flat])) if flat.sum() > 50 else 0.0
    return sharp, noise, contrast / max(paper, 1.0)


def features(card: Card) -> dict[str, float]:
    grey = card.bgr.mean(axis=2).astype(np.float32)
    others = [_region_stats(grey, px(b)) for b in OTHER_VALUES_MM]
    ref = np.mean(np.array(others), axis=0)
    out: dict[str, float] = {}
    for name, box in (("name", NAME_MM), ("number", NUMBER_MM)):
        sharp, noise, ink = _region_stats(grey, px(box))
        out[f"sharp_{name}"] = float(np.log(max(sharp, 1e-3) / max(ref[0], 1e-3)))
        out[f"noise_{name}"] = float(np.log(max(noise, 1e-2) / max(ref[1], 1e-2)))
        out[f"ink_{name}"] = float(ink - ref[2])
    return out


def score(f: dict[str, float]) -> float:
    worst = 0.0
    for name in ("name", "number"):
        worst = max(
            worst,
            ramp(abs(f[f"sharp_{name}"]), 0.9, 1.2),
            ramp(abs(f[f"noise_{name}"]), 1.4, 1.8),
            ramp(-f[f"ink_{name}"], 0.15, 0.3),
        )
    return worst
