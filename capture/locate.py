"""Finding documents on a desk: where each one's four corners are in the camera frame.

1. Segment at ~640 px, twice (capture/segment.py): by colour against a model of the desk, and by the
   region reachable from the frame border without crossing an edge. Each large blob gives a rough
   quadrilateral from its outline (capture/outline.py); outline runs on the frame border are not sides,
   they mean the document is cut off. Blobs that are not document-like (round, faint, ragged) are
   dropped, and where both masks found the same document the cleaner outline wins.
2. Refine each side at full resolution (capture/refine.py): the strongest consistent step across the
   rough side, searched along its normal, then a robust line fit.
"""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np

from capture.geometry import order_corners, quad_area, shrink
from capture.outline import OutlineQuad, rough_quad
from capture.refine import border_sides, refine_quad
from capture.segment import colour_mask, desk_distance, edge_mask

WORK_LONG_PX = 640
MIN_AREA_FRACTION = 0.01  # smaller blobs are specks, pens, fingers
MIN_CONTRAST = 4.5  # desk-noise units; a pale card on a pale desk measured 5-6, most documents 14+


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


# --- the whole thing ----------------------------------------------------------------------------------------
@dataclass(frozen=True, eq=False)
class _Blob:
    area: float  # work pixels
    outline: OutlineQuad
    rectangularity: float
    contrast: float
    by_colour: bool

    @property
    def document_like(self) -> bool:
        # A document is a flat thing with straight sides; glare on the desk, a hand or a pen is round,
        # thin or faint. Colour blobs must also stand out from the desk: desk texture makes faint ones.
        return (
            self.outline.straightness >= 0.5
            and self.rectangularity >= 0.8
            and (self.contrast >= MIN_CONTRAST or not self.by_colour)
        )

    @property
    def quality(self) -> float:
        return self.outline.straightness + 0.5 * self.rectangularity


def _blobs(mask: np.ndarray, dist: np.ndarray, *, by_colour: bool) -> list[_Blob]:
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
        blobs.append(_Blob(area, outline, min(area / qa, 1.0), contrast, by_colour))
    return blobs


def _overlap(a: np.ndarray, b: np.ndarray) -> float:
    inter, _ = cv2.intersectConvexConvex(a.astype(np.float32), b.astype(np.float32))
    return float(inter) / max(min(quad_area(a), quad_area(b)), 1e-6)


def _merge(blobs: list[_Blob]) -> list[_Blob]:
    """One blob per document; largest first. Where the masks found overlapping blobs, a much larger one
    is the document and the smaller a part of it (a photo box, a table); of two alike, the cleaner
    outline wins."""
    kept: list[_Blob] = []
    for blob in sorted(blobs, key=lambda b: -b.quality):
        twin = next((k for k in kept if _overlap(blob.outline.quad, k.outline.quad) >= 0.5), None)
        if twin is None:
            kept.append(blob)
        elif quad_area(blob.outline.quad) > 1.5 * quad_area(twin.outline.quad):
            kept[kept.index(twin)] = blob
    return sorted(kept, key=lambda b: -b.area)


def find_documents(image: np.ndarray, *, max_documents: int = 2) -> list[Detection]:
    """Documents in a BGR frame, largest first. Empty when nothing stands out from the desk."""
    fh, fw = image.shape[:2]
    small, s = _work_image(image)
    h, w = small.shape[:2]
    dist = desk_distance(small)
    found = _blobs(colour_mask(dist), dist, by_colour=True) + _blobs(edge_mask(small), dist, by_colour=False)
    blobs = _merge([b for b in found if b.document_like])
    if not blobs:
        return []
    first = blobs[0]
    # A second document must be a real one of comparable size, side by side with the first (the two faces
    # of an ID card), not a pen, a phone or a business card beside the page.
    chosen = [first] + [
        b
        for b in blobs[1:max_documents]
        if b.area >= 0.25 * first.area and b.rectangularity >= 0.9 and b.outline.straightness >= 0.6
    ]
    gray = cv2.cvtColor(image, cv2.COLOR_BGR2GRAY)
    detections = []
    for blob in chosen:
        # Back to frame pixels (per axis: the work image's sides were rounded separately).
        full = blob.outline.quad * np.array([fw / w, fh / h], np.float32)
        skip = border_sides(full, fw, fh, tol=3.0 / s)
        # The outline is a work pixel or two off, more where a drop shadow widened the blob: search a few
        # work pixels at full resolution, then again close in.
        full = refine_quad(gray, full, radius=max(6, round(6 / s)), skip=skip)
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
