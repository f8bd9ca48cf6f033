"""Quadrilaterals: corner order, the real document's shape, and the perspective warp to an upright rectangle."""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np

# Physical shapes we know: long side / short side.
ID_CARD_MM = (85.6, 54.0)  # ISO/IEC 7810 ID-1, as the resident ID card
A4_MM = (297.0, 210.0)
ID_CARD_ASPECT = ID_CARD_MM[0] / ID_CARD_MM[1]  # 1.585
A4_ASPECT = A4_MM[0] / A4_MM[1]  # 1.414

# Output sizes. PaddleOCR's recogniser reads lines at 48 px height and its detector at ≤ 960 px, so pixels past
# what the text needs only cost detection time. On generated captures (bench/capture.py, 24 frames) crops
# 640, 800 and 1000 px wide were read equally well (96 % of field values, 75 % from the full frame) and
# 640 was the cheapest (OCR CPU 0.95× the full frame; 1000 px: 1.14×). 720 px keeps 3 mm characters at
# ~25 px, a margin over the 640 px tried.
ID_CARD_WIDTH_PX = 720
PAGE_MAX_LONG_PX = 2339  # A4 at 200 dpi: plenty for 10.5 pt text
OTHER_MAX_LONG_PX = 2000
# Nothing narrower is worth warping: a side this short holds no readable text.
MIN_SIDE_PX = 16
# Two sides meeting at a corner must turn by at least this much (sine of ~3°), or the corners are collinear.
_MIN_CORNER_SINE = 0.05


class DegenerateQuad(ValueError):
    """Four points no rectangle can be warped from: not finite, collinear, crossed, tiny or far off the frame."""


@dataclass(frozen=True)
class DocShape:
    """What a quad most likely is and the size to render it at."""

    kind: str  # "id_card", "a4" or "other"
    width: int  # output pixels, before any 90° turn
    height: int
    measured_aspect: float  # width / height as measured on the quad


def shrink(image: np.ndarray, long_side: int) -> np.ndarray:
    """Downscaled so its longer side is ``long_side`` (never enlarged). Halving with INTER_AREA is a fast
    path in OpenCV and averages like a lens; the last, smaller step is bilinear."""
    h, w = image.shape[:2]
    if max(h, w) <= long_side:
        return image
    out = image
    while max(out.shape[:2]) >= 2 * long_side:
        out = cv2.resize(out, (max(1, out.shape[1] // 2), max(1, out.shape[0] // 2)), interpolation=cv2.INTER_AREA)
    s = long_side / max(h, w)
    size = (max(1, round(w * s)), max(1, round(h * s)))
    if (out.shape[1], out.shape[0]) == size:
        return out
    return cv2.resize(
        out, size, interpolation=cv2.INTER_AREA if max(out.shape[:2]) > 1.5 * long_side else cv2.INTER_LINEAR
    )


def order_corners(pts: np.ndarray) -> np.ndarray:
    """Four points → top-left, top-right, bottom-right, bottom-left (image coordinates, y down)."""
    pts = np.asarray(pts, np.float64).reshape(4, 2)
    centre = pts.mean(axis=0)
    angles = np.arctan2(pts[:, 1] - centre[1], pts[:, 0] - centre[0])
    pts = pts[np.argsort(angles)]  # clockwise on screen, starting near "left"
    # Start at the corner nearest the top-left so a card turned by a few degrees keeps its sides.
    start = int(np.argmin(pts[:, 0] + pts[:, 1]))
    return np.roll(pts, -start, axis=0).astype(np.float32)


def side_lengths(quad: np.ndarray) -> tuple[float, float, float, float]:
    """Top, right, bottom, left side lengths of an ordered quad."""
    q = np.asarray(quad, np.float64)
    return tuple(float(np.linalg.norm(q[(i + 1) % 4] - q[i])) for i in range(4))  # type: ignore[return-value]


def quad_area(quad: np.ndarray) -> float:
    return float(abs(cv2.contourArea(np.asarray(quad, np.float32).reshape(-1, 1, 2))))


def check_quad(quad: np.ndarray, frame_w: int, frame_h: int) -> np.ndarray:
    """The quad as (4, 2) float32 when a perspective warp of it means something; DegenerateQuad otherwise.

    A corner may lie beyond the frame (placed from the sides in view when the document is cut off), but not
    more than a frame's width or height away; every side must be at least MIN_SIDE_PX long; and the corners
    must turn the same way by more than a few degrees (convex, not collinear, not crossed)."""
    q = np.asarray(quad, np.float64)
    if q.shape != (4, 2) or not np.all(np.isfinite(q)):
        raise DegenerateQuad(f"not four finite points: shape {q.shape}")
    if frame_w < 1 or frame_h < 1:
        raise DegenerateQuad(f"empty frame {frame_w}x{frame_h}")
    if (
        np.any(q[:, 0] < -frame_w)
        or np.any(q[:, 0] > 2 * frame_w)
        or np.any(q[:, 1] < -frame_h)
        or np.any(q[:, 1] > 2 * frame_h)
    ):
        raise DegenerateQuad("a corner lies more than a frame away from the frame")
    edges = np.roll(q, -1, axis=0) - q
    lengths = np.linalg.norm(edges, axis=1)
    if lengths.min() < MIN_SIDE_PX:
        raise DegenerateQuad(f"a side is {lengths.min():.1f} px long")
    nxt = np.roll(edges, -1, axis=0)
    sines = (edges[:, 0] * nxt[:, 1] - edges[:, 1] * nxt[:, 0]) / (lengths * np.roll(lengths, -1))
    if not (np.all(sines > _MIN_CORNER_SINE) or np.all(sines < -_MIN_CORNER_SINE)):
        raise DegenerateQuad("the corners are collinear, crossed or not convex")
    return q.astype(np.float32)


def measured_size(quad: np.ndarray) -> tuple[float, float]:
    """Width and height of the document as seen, the mean of opposite sides (good for mild perspective)."""
    top, right, bottom, left = side_lengths(quad)
    return (top + bottom) / 2, (left + right) / 2


# What a text line measures on each document, as a share of its long side: the resident ID card prints
# 3-4 mm lines on 85.6 mm, an A4 contract 10.5-12 pt body text on 297 mm. Generated captures measured
# 0.028-0.058 on cards and 0.011-0.014 on pages; bench/shapes.py counts the decisions this makes.
ID_CARD_LINE_SHARE = 0.034
A4_LINE_SHARE = 0.0125
# How far a measurement strays from the typical value, in log units: keystone moves the measured aspect by
# up to ~6 %, and line height varies with font size and heading share by ~30 %.
_ASPECT_SPREAD = 0.05
_LINE_SPREAD = 0.25
_KNOWN_RATIO_BAND = (1.2, 2.0)


def _misfit(value: float, typical: float, spread: float) -> float:
    return (np.log(value / typical) / spread) ** 2


def likely_kind(ratio: float, line_share: float | None = None) -> str:
    """The kind of a document ("id_card", "a4" or "other") whose long/short ratio was measured as ``ratio``,
    its text lines at ``line_share`` of its long side (None: no text to judge by).

    The measured ratio alone cannot tell: under keystone an A4 page measures up to ~1.55 and a card down to
    ~1.45. Text size can, because print sizes are fixed in millimetres; each kind is scored by how well both
    measurements fit it, so clear text outweighs a ratio bent by perspective."""
    if not _KNOWN_RATIO_BAND[0] <= ratio <= _KNOWN_RATIO_BAND[1]:
        return "other"
    card = _misfit(ratio, ID_CARD_ASPECT, _ASPECT_SPREAD)
    page = _misfit(ratio, A4_ASPECT, _ASPECT_SPREAD)
    if line_share is not None and line_share > 0:
        card += _misfit(line_share, ID_CARD_LINE_SHARE, _LINE_SPREAD)
        page += _misfit(line_share, A4_LINE_SHARE, _LINE_SPREAD)
    return "id_card" if card < page else "a4"


def shape_of(quad: np.ndarray, *, line_share: float | None = None) -> DocShape:
    """Snaps a measured quad to the nearest known document and chooses the output size. ``line_share`` is the
    height of its text lines over its long side (``capture.orientation.text_line_share``), when known."""
    w, h = measured_size(quad)
    aspect = w / max(h, 1e-6)
    long_side, ratio = max(w, h), max(aspect, 1 / max(aspect, 1e-6))
    landscape = w >= h
    kind = likely_kind(ratio, line_share)
    if kind == "id_card":
        out_long, out_short = ID_CARD_WIDTH_PX, round(ID_CARD_WIDTH_PX / ID_CARD_ASPECT)
    elif kind == "a4":
        out_long = round(min(max(long_side, 1400), PAGE_MAX_LONG_PX))
        out_short = round(out_long / A4_ASPECT)
    else:
        scale = min(1.0, OTHER_MAX_LONG_PX / max(long_side, 1.0))
        out_long, out_short = round(long_side * scale), round(long_side * scale / ratio)
    # A sliver of a quad ("other" with an extreme ratio) still gives a warpable size.
    out_long, out_short = max(out_long, MIN_SIDE_PX), max(out_short, MIN_SIDE_PX)
    if landscape:
        return DocShape(kind, out_long, out_short, aspect)
    return DocShape(kind, out_short, out_long, aspect)


def warp(image: np.ndarray, quad: np.ndarray, size: tuple[int, int]) -> np.ndarray:
    """The quad's content as an upright ``size`` (w, h) rectangle. DegenerateQuad for a size under one pixel
    or a quad with no area (a perspective transform of it does not exist)."""
    w, h = int(size[0]), int(size[1])
    if w < 1 or h < 1:
        raise DegenerateQuad(f"output size {w}x{h}")
    quad = np.asarray(quad, np.float32)
    if quad.shape != (4, 2) or not np.all(np.isfinite(quad)) or quad_area(quad) < 1.0:
        raise DegenerateQuad("the quad has no area")
    src_w, src_h = measured_size(quad)
    shrink = min(src_w / w, src_h / h)
    ih, iw = image.shape[:2]
    x0, y0 = np.floor(quad.min(axis=0)).astype(int)
    x1, y1 = np.ceil(quad.max(axis=0)).astype(int)
    x0, y0, x1, y1 = max(x0, 0), max(y0, 0), min(x1 + 1, iw), min(y1 + 1, ih)
    if shrink > 1.6 and x1 - x0 >= 2 and y1 - y0 >= 2:
        # warpPerspective samples bilinearly: shrinking much aliases text strokes into noise. Average the
        # quad's bounding box (its part inside the frame) down first (INTER_AREA), then warp what is left.
        f = 1.2 / shrink
        crop = image[y0:y1, x0:x1]
        dsize = (max(1, round(crop.shape[1] * f)), max(1, round(crop.shape[0] * f)))
        small = cv2.resize(crop, dsize, interpolation=cv2.INTER_AREA)
        fx, fy = small.shape[1] / crop.shape[1], small.shape[0] / crop.shape[0]
        quad = (quad - np.array([x0, y0], np.float32)) * np.array([fx, fy], np.float32)
        image = small
    dst = np.array([[0, 0], [w, 0], [w, h], [0, h]], np.float32)
    m = cv2.getPerspectiveTransform(quad, dst)
    return cv2.warpPerspective(image, m, (w, h), flags=cv2.INTER_LINEAR, borderMode=cv2.BORDER_REPLICATE)


def line_through(p: np.ndarray, q: np.ndarray) -> np.ndarray:
    """Homogeneous line through two points."""
    return np.cross(np.array([p[0], p[1], 1.0]), np.array([q[0], q[1], 1.0]))


def intersect(l1: np.ndarray, l2: np.ndarray) -> np.ndarray | None:
    x = np.cross(l1, l2)
    if abs(x[2]) < 1e-9:
        return None
    return x[:2] / x[2]
