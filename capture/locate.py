"""Finding documents on a desk: where each one's four corners are in the camera frame.

Two stages, both cheap:

1. Segment at ~640 px. The desk is what the frame's border strip shows: its lightness is fitted as a smooth
   quadratic surface (so a lighting gradient across the desk stays "desk") and its colour by robust
   statistics. Whatever differs from that model by several desk-noise units is document. Each large blob
   gives a rough quadrilateral from its outline; outline edges that lie on the frame border are not
   document sides, they mean the document is cut off.
2. Refine each side at full resolution: the strongest consistent step across the rough side, searched
   along its normal, then a robust (Huber) line fit, so glare spilling over an edge, text near it and
   rounded card corners do not pull the corners.
"""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np

from capture.geometry import order_corners, quad_area, shrink
from capture.outline import OutlineQuad, rough_quad
from capture.refine import border_sides, refine_quad

WORK_LONG_PX = 640
MIN_AREA_FRACTION = 0.01  # smaller blobs are specks, pens, fingers
MIN_CONTRAST = 6.0  # desk-noise units; documents measured 14+, glare on a bare desk 9-11 (with round outlines)
_BORDER_STRIP = 0.03  # of the long side: the desk sample


@dataclass(frozen=True, eq=False)
class Detection:
    quad: np.ndarray  # (4, 2) float32, top-left, top-right, bottom-right, bottom-left, frame pixels
    area_fraction: float  # of the frame, visible part
    cut_off: bool  # a side lies on (or a corner beyond) the frame border
    rectangularity: float  # blob area / quad area: 1.0 for a clean document
    contrast: float  # median desk-distance inside the blob, in desk-noise units
    straightness: float  # share of the perimeter the outline shows as straight sides


# --- stage 1: segmentation ---------------------------------------------------------------------------------
def _work_image(image: np.ndarray) -> tuple[np.ndarray, float]:
    small = shrink(image, WORK_LONG_PX)
    return small, small.shape[1] / image.shape[1]


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


def _foreground(dist: np.ndarray) -> np.ndarray:
    d8 = np.clip(dist * 8.0, 0, 255).astype(np.uint8)
    otsu, _ = cv2.threshold(d8, 0, 255, cv2.THRESH_BINARY + cv2.THRESH_OTSU)
    thr = max(otsu / 8.0, 4.0)
    mask = (dist > thr).astype(np.uint8) * 255
    mask = cv2.morphologyEx(mask, cv2.MORPH_OPEN, cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (5, 5)))
    return cv2.morphologyEx(mask, cv2.MORPH_CLOSE, cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (5, 5)))


# --- the whole thing ----------------------------------------------------------------------------------------
@dataclass(frozen=True, eq=False)
class _Blob:
    area: float  # work pixels
    outline: OutlineQuad
    rectangularity: float
    contrast: float

    @property
    def document_like(self) -> bool:
        # A document is a bright-or-dark flat thing with straight sides; glare on the desk, a hand or a
        # pen is round, thin or faint.
        return self.outline.straightness >= 0.5 and self.rectangularity >= 0.8 and self.contrast >= MIN_CONTRAST


def _blobs(dist: np.ndarray, mask: np.ndarray) -> list[_Blob]:
    h, w = mask.shape
    contours, _ = cv2.findContours(mask, cv2.RETR_EXTERNAL, cv2.CHAIN_APPROX_NONE)
    blobs = []
    for c in contours:
        area = cv2.contourArea(c)
        if area < MIN_AREA_FRACTION * h * w:
            continue
        outline = rough_quad(c, w, h)
        qa = quad_area(outline.quad)
        if qa <= 0:
            continue
        x, y, bw, bh = cv2.boundingRect(c)
        blob = np.zeros((bh, bw), np.uint8)
        cv2.drawContours(blob, [c], -1, 255, -1, offset=(-x, -y))
        contrast = float(np.median(dist[y : y + bh, x : x + bw][blob > 0]))
        blobs.append(_Blob(area, outline, min(area / qa, 1.0), contrast))
    return sorted(blobs, key=lambda b: -b.area)


def find_documents(image: np.ndarray, *, max_documents: int = 2) -> list[Detection]:
    """Documents in a BGR frame, largest first. Empty when nothing stands out from the desk."""
    fh, fw = image.shape[:2]
    small, s = _work_image(image)
    h, w = small.shape[:2]
    dist = desk_distance(small)
    blobs = [b for b in _blobs(dist, _foreground(dist)) if b.document_like]
    if not blobs:
        return []
    first = blobs[0]
    # A second document must be a real one of comparable size, side by side with the first (the two faces
    # of an ID card), not a pen, a phone or a business card beside the page.
    chosen = [first] + [
        b
        for b in blobs[1:max_documents]
        if b.area >= 0.35 * first.area and b.rectangularity >= 0.9 and b.outline.straightness >= 0.6
    ]
    gray = cv2.cvtColor(image, cv2.COLOR_BGR2GRAY)
    detections = []
    for blob in chosen:
        # Back to frame pixels (per axis: the work image's sides were rounded separately).
        full = blob.outline.quad * np.array([fw / w, fh / h], np.float32)
        skip = border_sides(full, fw, fh, tol=3.0 / s)
        # The outline is about a work pixel off; search a few of them at full resolution, then again close in.
        full = refine_quad(gray, full, radius=max(4, round(2.5 / s)), skip=skip)
        full = refine_quad(gray, full, radius=max(3, round(0.8 / s)), skip=skip)
        margin = 2.0
        beyond = bool(
            np.any(full[:, 0] < -margin)
            or np.any(full[:, 1] < -margin)
            or np.any(full[:, 0] > fw - 1 + margin)
            or np.any(full[:, 1] > fh - 1 + margin)
        )
        detections.append(
            Detection(
                quad=order_corners(full),
                area_fraction=float(blob.area / (h * w)),
                cut_off=blob.outline.cut_off or beyond,
                rectangularity=blob.rectangularity,
                contrast=blob.contrast,
                straightness=blob.outline.straightness,
            )
        )
    return detections
