"""Screen recapture: a photo of a phone or monitor showing the card.

A display is a grid of red, green and blue sub-pixels: photographed, the grid either shows as a fine
periodic pattern or beats with the sensor's own grid into moiré; both are sharp peaks in the image's
spectrum, far above what print and text give. A display also emits its light: a bluish white point, blacks
that glow grey, and a black glass bezel around the picture.

- ``peak``: the strongest non-central spectral peak of the captured crop over the median of its band (log);
- ``bezel``: how dark and flat the crop's outer ring is compared with its inside;
- ``blue``: blue over red of the brightest pixels (cameras here balance for their LED lamp).
"""

from __future__ import annotations

import cv2
import numpy as np

from capture.trust.canvas import Card, ramp


def spectral_peak(grey: np.ndarray) -> float:
    h, w = grey.shape
    n = 256
    best = 0.0
    # Three windows across the middle of the crop: text and print vary, the pixel grid is everywhere.
    for cx in (w // 4, w // 2, 3 * w // 4):
        cy = h // 2
        if h < n or w < n:
            return 0.0
        x0, y0 = min(max(cx - n // 2, 0), w - n), min(max(cy - n // 2, 0), h - n)
        win = grey[y0 : y0 + n, x0 : x0 + n].astype(np.float32)
        win = win - cv2.GaussianBlur(win, (0, 0), 3)  # keep the fine scale only
        win *= np.outer(np.hanning(n), np.hanning(n)).astype(np.float32)
        mag = np.abs(np.fft.fftshift(np.fft.fft2(win)))
        yy, xx = np.mgrid[0:n, 0:n] - n // 2
        r = np.hypot(xx, yy)
        band = (r > n * 0.08) & (r < n * 0.5)
        # The axes carry the window's edges and straight strokes; leave them out.
        band &= (np.abs(xx) > 2) & (np.abs(yy) > 2)
        vals = mag[band]
        best = max(best, float(np.log((vals.max() + 1e-6) / (np.median(vals) + 1e-6))))
    return best


def grid_peak(grey: np.ndarray) -> float:
    """How strongly the rows or the columns of the crop repeat with a period of 2-10 px (log of the peak over
    the band's median). A display's pixel rows stay parallel to the card's edges once the crop is rectified,
    so averaging the fine detail along them adds the grid up and averages text and noise away."""
    g = grey.astype(np.float32)
    hp = g - cv2.GaussianBlur(g, (0, 0), 2.5)
    h, w = hp.shape
    best = 0.0
    for profile in (hp[:, w // 6 : -w // 6].mean(axis=1), hp[h // 6 : -h // 6, :].mean(axis=0)):
        n = profile.size
        if n < 64:
            continue
        mag = np.abs(np.fft.rfft((profile - profile.mean()) * np.hanning(n)))
        lo, hi = int(n / 10), int(n / 2.05)
        band = mag[lo:hi]
        best = max(best, float(np.log((band.max() + 1e-9) / (np.median(band) + 1e-9))))
    return best


def features(card: Card) -> dict[str, float]:
    grey = card.bgr.mean(axis=2)
    h, w = grey.shape
    ring = np.ones_like(grey, bool)
    ring[int(h * 0.05) : -int(h * 0.05), int(w * 0.04) : -int(w * 0.04)] = False
    inside = grey[int(h * 0.2) : -int(h * 0.2), int(w * 0.2) : -int(w * 0.2)]
    bgr = card.bgr.astype(np.float32)
    top = grey >= np.percentile(grey, 97)
    return {
        "peak": spectral_peak(card.native),
        "grid": grid_peak(card.native),
        "bezel_dark": float(np.median(inside) - np.median(grey[ring])),
        "bezel_flat": float(np.std(grey[ring])),
        "blue": float(bgr[..., 0][top].mean() / max(bgr[..., 2][top].mean(), 1.0)),
        "black": float(np.percentile(grey, 0.5)),
    }


def score(f: dict[str, float]) -> float:
    bezel = ramp(f["bezel_dark"], 45.0, 70.0)
    grid = ramp(f["grid"], 4.8, 5.6)
    fine = ramp(f["bg_fine"], 2.2, 2.8)
    both = min(ramp(f["grid"], 4.0, 4.8), ramp(f["bg_fine"], 1.8, 2.2))
    return max(bezel, grid, fine, both)
