"""A blob's outline → the document's four sides.

The outline of a segmented document is mostly four long straight runs, joined by rounded corners, with
bumps where glare spilled onto the desk or a finger covers an edge. So: split the outline into straight
runs, merge collinear runs into lines, keep the four longest and intersect neighbours. Runs along the
frame border are not sides of the document, they mean it is cut off; they are used only where a side is
missing altogether.
"""

from __future__ import annotations

import itertools
import math
from dataclasses import dataclass

import cv2
import numpy as np

from capture.geometry import intersect, order_corners

_RUN_TURN_DEG = 12.0  # a run ends where the outline turns more than this
_SAME_LINE_DEG = 8.0


@dataclass(frozen=True)
class _Run:
    points: np.ndarray  # outline points of the run, (n, 2)
    length: float
    angle: float  # direction of travel, degrees in [0, 360)
    on_border: bool


def on_border(p: np.ndarray, q: np.ndarray, w: int, h: int, tol: float) -> bool:
    """Both ends of p→q lie on the same side of the frame."""
    return bool(
        (p[0] <= tol and q[0] <= tol)
        or (p[1] <= tol and q[1] <= tol)
        or (p[0] >= w - 1 - tol and q[0] >= w - 1 - tol)
        or (p[1] >= h - 1 - tol and q[1] >= h - 1 - tol)
    )


def _angle(v: np.ndarray) -> float:
    return math.degrees(math.atan2(v[1], v[0])) % 360.0


def _turn(a: float, b: float) -> float:
    d = abs(a - b) % 360.0
    return min(d, 360.0 - d)


def _runs(contour: np.ndarray, w: int, h: int) -> list[_Run]:
    pts = contour.reshape(-1, 2)
    # approxPolyDP with returnPoints=False is not offered, so find where each vertex sits on the outline
    # (to keep the points between) by matching coordinates, vectorised.
    approx = cv2.approxPolyDP(contour, 1.5, True).reshape(-1, 2)
    keys = pts[:, 0].astype(np.int64) * 1_000_003 + pts[:, 1]
    order = np.argsort(keys, kind="stable")
    wanted = approx[:, 0].astype(np.int64) * 1_000_003 + approx[:, 1]
    pos = np.clip(np.searchsorted(keys[order], wanted), 0, len(keys) - 1)
    hit = keys[order][pos] == wanted
    verts = sorted(set(order[pos[hit]].tolist()))
    if len(verts) < 3:
        return []
    runs: list[_Run] = []
    start = verts[0]
    k = 1
    while k <= len(verts):
        end = verts[k % len(verts)]
        # Extend the run while the next edge keeps the run's direction.
        while k < len(verts):
            nxt = verts[(k + 1) % len(verts)]
            if _turn(_angle(pts[end] - pts[start]), _angle(pts[nxt] - pts[end])) > _RUN_TURN_DEG:
                break
            k += 1
            end = nxt
        seg = pts[start : end + 1] if end > start else np.concatenate([pts[start:], pts[: end + 1]])
        length = float(np.linalg.norm(pts[end] - pts[start]))
        if length >= 3:
            runs.append(
                _Run(
                    seg.astype(np.float64),
                    length,
                    _angle(pts[end] - pts[start]),
                    on_border(pts[start], pts[end], w, h, 2.0),
                )
            )
        start = end
        k += 1
    return runs


def _fit(points: np.ndarray) -> np.ndarray:
    vx, vy, x0, y0 = cv2.fitLine(points.astype(np.float32), cv2.DIST_HUBER, 0, 0.01, 0.01).ravel()
    return np.cross([x0, y0, 1.0], [x0 + vx, y0 + vy, 1.0])


def _distance(line: np.ndarray, p: np.ndarray) -> float:
    return abs(line[0] * p[0] + line[1] * p[1] + line[2]) / max(math.hypot(line[0], line[1]), 1e-9)


def _lines(runs: list[_Run], size: float) -> list[tuple[float, float, np.ndarray, bool]]:
    """Collinear runs merged: (total length, direction, points, on_border), longest first."""
    groups: list[list[_Run]] = []
    for run in sorted(runs, key=lambda r: -r.length):
        for g in groups:
            ref = g[0]
            if ref.on_border == run.on_border and _turn(ref.angle, run.angle) < _SAME_LINE_DEG:
                line = _fit(ref.points)
                if _distance(line, run.points.mean(axis=0)) < 0.015 * size:
                    g.append(run)
                    break
        else:
            groups.append([run])
    out = [
        (sum(r.length for r in g), g[0].angle, np.concatenate([r.points for r in g]), g[0].on_border) for g in groups
    ]
    return sorted(out, key=lambda x: -x[0])


def _clip_area(poly: np.ndarray, other: np.ndarray) -> float:
    area, _ = cv2.intersectConvexConvex(poly.astype(np.float32), other.astype(np.float32))
    return float(area)


@dataclass(frozen=True, eq=False)
class OutlineQuad:
    quad: np.ndarray  # (4, 2) float32, tl, tr, br, bl
    cut_off: bool  # a side is the frame border, or a corner lies beyond it
    straightness: float  # share of the quad's perimeter that the outline shows as straight runs


def quad_from_outline(contour: np.ndarray, w: int, h: int) -> OutlineQuad | None:
    """Four corners (tl, tr, br, bl) and whether the document is cut off by the frame border.

    Every choice of four of the longest lines that could be a quadrilateral's sides is scored by how well
    the quad (inside the frame) covers the blob's convex hull and how much of each side the outline shows.
    The hull, not the blob: a dark photo box touching the frame edge bites a notch out of the blob. A quad
    reaching past the hull costs more than hull left uncovered: glare spilling over an edge onto the desk
    makes the blob bulge, it never makes a document shrink.
    """
    perimeter = cv2.arcLength(contour, True)
    lines = [ln for ln in _lines(_runs(contour, w, h), max(w, h)) if ln[0] >= 0.02 * perimeter][:8]
    if len(lines) < 4:
        return None
    hull = cv2.convexHull(contour).reshape(-1, 2).astype(np.float32)
    hull_area = float(cv2.contourArea(hull))
    frame = np.array([[0, 0], [w - 1, 0], [w - 1, h - 1], [0, h - 1]], np.float32)
    fitted = [_fit(ln[2]) for ln in lines]
    best: tuple[float, np.ndarray, bool, float] | None = None
    for combo in itertools.combinations(range(len(lines)), 4):
        # The outline is traversed one way round: four sides' directions step by ~90° in turn.
        order = sorted(combo, key=lambda i: lines[i][1])
        dirs = [lines[i][1] for i in order]
        gaps = [(dirs[(k + 1) % 4] - dirs[k]) % 360.0 for k in range(4)]
        if max(gaps) > 150 or min(gaps) < 30:
            continue
        corners = [intersect(fitted[order[k - 1]], fitted[order[k]]) for k in range(4)]
        if any(c is None for c in corners):
            continue
        quad = np.array(corners, np.float32)
        if np.any(np.abs(quad - quad.mean(axis=0)) > 1.5 * max(w, h)):
            continue
        if not cv2.isContourConvex(quad.reshape(-1, 1, 2)):
            continue
        visible = _clip_area(quad, frame)
        inter = _clip_area(quad, hull)
        outside = (visible - inter) / max(visible, 1e-6)  # quad where no blob is: a side in the wrong place
        uncovered = (hull_area - inter) / max(hull_area, 1e-6)  # blob left out: glare spilling onto the desk
        sides = [float(np.linalg.norm(quad[k] - quad[k - 1])) for k in range(4)]
        support = float(np.mean([min(lines[order[k]][0] / max(sides[k], 1e-6), 1.0) for k in range(4)]))
        score = 0.5 * support - 3.0 * outside - uncovered
        if best is None or score > best[0]:
            straight = sum(min(lines[order[k]][0], sides[k]) for k in range(4)) / max(sum(sides), 1e-6)
            best = (score, quad, any(lines[i][3] for i in combo), straight)
    if best is None:
        return None
    _, quad, border_side, straight = best
    beyond = bool(np.any(quad < -1.0) or np.any(quad[:, 0] > w) or np.any(quad[:, 1] > h))
    return OutlineQuad(order_corners(quad), border_side or beyond, float(straight))


def rough_quad(contour: np.ndarray, w: int, h: int) -> OutlineQuad:
    """The outline's quadrilateral; the blob's rotated bounding box (straightness 0) when its sides
    cannot be told."""
    found = quad_from_outline(contour, w, h)
    if found is not None:
        return found
    box = cv2.boxPoints(cv2.minAreaRect(contour))
    pts = contour.reshape(-1, 2)
    cut = bool(
        np.any(pts[:, 0] <= 1) or np.any(pts[:, 1] <= 1) or np.any(pts[:, 0] >= w - 2) or np.any(pts[:, 1] >= h - 2)
    )
    return OutlineQuad(order_corners(box), cut, 0.0)
