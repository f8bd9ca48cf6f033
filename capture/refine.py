"""Sub-pixel document sides: each rough side moved onto the strongest consistent step across it, at full resolution."""

from __future__ import annotations

import cv2
import numpy as np

from capture.geometry import intersect
from capture.outline import on_border


# --- stage 2: edge refinement at full resolution ------------------------------------------------------------
def _sample_profiles(
    gray: np.ndarray, pts: np.ndarray, normal: np.ndarray, tangent: np.ndarray, radius: int, spread: float
) -> np.ndarray:
    """Intensity profiles across the side: (n points, 2·radius+1), each averaged over a short tangent run."""
    offs = np.arange(-radius, radius + 1, dtype=np.float32)
    tang = np.linspace(-spread, spread, 5, dtype=np.float32)
    mx = pts[:, 0, None, None] + normal[0] * offs[None, :, None] + tangent[0] * tang[None, None, :]
    my = pts[:, 1, None, None] + normal[1] * offs[None, :, None] + tangent[1] * tang[None, None, :]
    n = len(pts)
    vals = cv2.remap(
        gray,
        mx.reshape(n, -1).astype(np.float32),
        my.reshape(n, -1).astype(np.float32),
        cv2.INTER_LINEAR,
        borderMode=cv2.BORDER_REPLICATE,
    )
    return vals.reshape(n, len(offs), len(tang)).mean(axis=2)


def _refine_side(gray: np.ndarray, p: np.ndarray, q: np.ndarray, radius: int) -> np.ndarray | None:
    """A better line for the side p→q (clockwise order, so the normal (-ty, tx) points into the document)."""
    length = float(np.linalg.norm(q - p))
    if length < 8:
        return None
    tangent = (q - p) / length
    normal = np.array([-tangent[1], tangent[0]])
    n = int(np.clip(length / 6, 12, 64))
    t = np.linspace(0.1, 0.9, n)  # away from the (possibly rounded) corners
    pts = p[None, :] + (q - p)[None, :] * t[:, None]
    prof = _sample_profiles(gray, pts, normal, tangent, radius, spread=min(3.0, length / n / 2))
    prof = cv2.GaussianBlur(prof, (5, 1), 0) if prof.shape[1] >= 5 else prof
    grad = np.diff(prof, axis=1)  # step going inwards, between offsets k and k+1
    # The desk→document step has one sign along the whole side; pick the sign the side agrees on.
    sign = 1.0 if np.sum(np.max(grad, axis=1)) >= np.sum(np.max(-grad, axis=1)) else -1.0
    g = grad * sign
    k = np.argmax(g, axis=1)
    peak = g[np.arange(n), k]
    good = peak > max(4.0, 0.35 * float(np.median(peak)))
    if good.sum() < max(5, n // 4):
        return None
    # Sub-pixel: vertex of the parabola through the peak and its neighbours.
    k_in = np.clip(k, 1, g.shape[1] - 2)
    y0, y1, y2 = g[np.arange(n), k_in - 1], g[np.arange(n), k_in], g[np.arange(n), k_in + 1]
    denom = y0 - 2 * y1 + y2
    frac = np.where(np.abs(denom) > 1e-6, 0.5 * (y0 - y2) / np.where(np.abs(denom) > 1e-6, denom, 1), 0.0)
    off = k_in + np.clip(frac, -0.5, 0.5) - radius + 0.5
    found = pts + normal[None, :] * off[:, None]
    pts_good = found[good].astype(np.float32)
    vx, vy, x0, y0_ = cv2.fitLine(pts_good, cv2.DIST_HUBER, 0, 0.01, 0.01).ravel()
    # Most of the side must agree on one line; where glare or a shadow hides half an edge, the other half
    # of the samples land on the glare's halo, and the rough side is the better guess.
    resid = np.abs((pts_good[:, 0] - x0) * vy - (pts_good[:, 1] - y0_) * vx)
    inliers = resid < max(1.5, 0.2 * radius)
    if inliers.sum() < 0.5 * n:
        return None
    vx, vy, x0, y0_ = cv2.fitLine(pts_good[inliers], cv2.DIST_L2, 0, 0.01, 0.01).ravel()
    return np.cross([x0, y0_, 1.0], [x0 + vx, y0_ + vy, 1.0])


def refine_quad(gray: np.ndarray, quad: np.ndarray, radius: int, skip: set[int] | None = None) -> np.ndarray:
    """Moves each side onto the strongest consistent edge within ``radius`` px of it."""
    quad = np.asarray(quad, np.float64)
    lines = []
    for i in range(4):
        p, q = quad[i], quad[(i + 1) % 4]
        line = None if skip and i in skip else _refine_side(gray, p, q, radius)
        lines.append(line if line is not None else np.cross([*p, 1.0], [*q, 1.0]))
    corners = [intersect(lines[i - 1], lines[i]) for i in range(4)]  # corner i joins side i-1 and side i
    if any(c is None for c in corners):
        return quad.astype(np.float32)
    new = np.array(corners)
    # Refinement may move a corner by a few search radii at most; more means a side locked onto text.
    if np.max(np.linalg.norm(new - quad, axis=1)) > 4 * radius:
        return quad.astype(np.float32)
    return new.astype(np.float32)


def border_sides(quad: np.ndarray, w: int, h: int, tol: float) -> set[int]:
    return {i for i in range(4) if on_border(quad[i], quad[(i + 1) % 4], w, h, tol)}
