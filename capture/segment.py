"""Two ways of telling documents from the desk, at ~640 px. Each gives a mask of "not desk".

* Colour: the desk is what the frame's border strip shows. Its lightness is fitted as a smooth surface
  (a lighting gradient across the desk stays "desk") and its colour by robust statistics; whatever
  differs from that model by several desk-noise units is document. Good on dark, coloured and
  wood-grain desks; blind to a pale card on a pale desk.
* Edges: the desk is what can be reached from the frame border without crossing an edge. A card on a
  pale desk still has a crisp outline and a drop shadow. Blind where the desk is busier than the edge.
"""

from __future__ import annotations

import cv2
import numpy as np

_BORDER_STRIP = 0.03  # of the long side: the desk sample


def _border_samples(h: int, w: int, count: int = 6000) -> tuple[np.ndarray, np.ndarray]:
    """Pixel coordinates spread over the frame's border strip: where the desk shows."""
    b = max(3, round(_BORDER_STRIP * max(h, w)))
    m = np.zeros((h, w), bool)
    m[:b], m[-b:], m[:, :b], m[:, -b:] = True, True, True, True
    ys, xs = np.nonzero(m)
    step = max(1, len(xs) // count)
    return ys[::step], xs[::step]


def _terms(x: np.ndarray, y: np.ndarray) -> list[np.ndarray]:
    return [np.ones_like(x * y), x, y, x * x, y * y, x * y]


def desk_distance(small_bgr: np.ndarray) -> np.ndarray:
    """Per pixel, how unlike the desk it is, in units of the desk's own variation (float32)."""
    h, w = small_bgr.shape[:2]
    lab = cv2.cvtColor(cv2.medianBlur(small_bgr, 5), cv2.COLOR_BGR2Lab).astype(np.float32)
    ys, xs = _border_samples(h, w)
    samples = lab[ys, xs]
    design = np.stack(_terms(xs * (2.0 / w) - 1, ys * (2.0 / h) - 1), axis=-1)
    # Robust lightness surface, grown from a constant through a plane to a quadratic, each fitted to the
    # samples the previous one explains: a document cut off at one side, a glare patch on the desk or a
    # sleeve must not bend the desk model towards itself.
    keep = np.ones(len(xs), bool)
    coef = np.zeros(6)
    coef[0] = np.median(samples[:, 0])
    for terms in (1, 3, 6, 6):
        res = samples[:, 0] - design @ coef
        sigma = 1.4826 * float(np.median(np.abs(res[keep]))) + 1e-3
        new_keep = np.abs(res) < 3.0 * max(sigma, 2.0)
        if new_keep.sum() < 0.3 * len(xs):
            break
        keep = new_keep
        a = design[keep, :terms]
        coef = np.zeros(6)
        coef[:terms] = np.linalg.solve(a.T @ a + 1e-6 * np.eye(terms), a.T @ samples[keep, 0])
    gx = (np.arange(w, dtype=np.float32) * (2.0 / w) - 1)[None, :]
    gy = (np.arange(h, dtype=np.float32) * (2.0 / h) - 1)[:, None]
    l_fit = sum(c * t for c, t in zip(coef.astype(np.float32), _terms(gx, gy), strict=True))
    res_l = samples[keep, 0] - design[keep] @ coef
    scale_l = max(1.4826 * float(np.median(np.abs(res_l))), 3.0)
    d2 = ((lab[..., 0] - l_fit) / scale_l) ** 2
    for c in (1, 2):
        med = float(np.median(samples[keep, c]))
        scale = max(1.4826 * float(np.median(np.abs(samples[keep, c] - med))), 2.0)
        d2 += ((lab[..., c] - med) / scale) ** 2
    return np.sqrt(d2)


def colour_mask(dist: np.ndarray) -> np.ndarray:
    """Pixels unlike the desk (uint8 0/255), given :func:`desk_distance`."""
    d8 = np.clip(dist * 8.0, 0, 255).astype(np.uint8)
    otsu, _ = cv2.threshold(d8, 0, 255, cv2.THRESH_BINARY + cv2.THRESH_OTSU)
    thr = max(otsu / 8.0, 4.0)
    mask = (dist > thr).astype(np.uint8) * 255
    mask = cv2.morphologyEx(mask, cv2.MORPH_OPEN, cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (5, 5)))
    return cv2.morphologyEx(mask, cv2.MORPH_CLOSE, cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (5, 5)))


def edge_mask(small_bgr: np.ndarray) -> np.ndarray:
    """Pixels that cannot be reached from the frame border without crossing an edge (uint8 0/255)."""
    h, w = small_bgr.shape[:2]
    gray = cv2.GaussianBlur(cv2.cvtColor(small_bgr, cv2.COLOR_BGR2GRAY), (0, 0), 1.2)
    gx = cv2.Sobel(gray, cv2.CV_32F, 1, 0, ksize=3)
    gy = cv2.Sobel(gray, cv2.CV_32F, 0, 1, ksize=3)
    mag = cv2.magnitude(gx, gy)
    ys, xs = _border_samples(h, w)
    # Edge thresholds above what the desk itself shows, so its texture does not wall it in.
    desk_level = float(np.percentile(mag[ys, xs], 90))
    hi = max(24.0, 3.0 * desk_level)
    edges = cv2.Canny(gray, hi / 2, hi, L2gradient=True)
    edges = cv2.dilate(edges, cv2.getStructuringElement(cv2.MORPH_RECT, (3, 3)))
    n, labels = cv2.connectedComponents((edges == 0).astype(np.uint8), connectivity=4)
    ring = np.concatenate([labels[0], labels[-1], labels[:, 0], labels[:, -1]])
    is_desk = np.zeros(n, bool)
    is_desk[ring[ring > 0]] = True
    desk = is_desk[labels]
    mask = np.where(desk, 0, 255).astype(np.uint8)
    # The walls themselves are no document: thin edge lines out on the desk go, outlines stay filled.
    return cv2.morphologyEx(mask, cv2.MORPH_OPEN, cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (5, 5)))
