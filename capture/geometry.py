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
    if landscape:
        return DocShape(kind, out_long, out_short, aspect)
    return DocShape(kind, out_short, out_long, aspect)


def warp(image: np.ndarray, quad: np.ndarray, size: tuple[int, int]) -> np.ndarray:
    """The quad's content as an upright ``size`` (w, h) rectangle."""
    w, h = size
    quad = np.asarray(quad, np.float32)
    src_w, src_h = measured_size(quad)
    shrink = min(src_w / w, src_h / h)
    if shrink > 1.6:
        # warpPerspective samples bilinearly: shrinking much aliases text strokes into noise. Average the
        # quad's bounding box down first (INTER_AREA), then warp what is left.
        ih, iw = image.shape[:2]
        x0, y0 = np.floor(quad.min(axis=0)).astype(int)
        x1, y1 = np.ceil(quad.max(axis=0)).astype(int)
        x0, y0, x1, y1 = max(x0, 0), max(y0, 0), min(x1 + 1, iw), min(y1 + 1, ih)
        f = 1.2 / shrink
        crop = image[y0:y1, x0:x1]
        small = cv2.resize(crop, None, fx=f, fy=f, interpolation=cv2.INTER_AREA)
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
