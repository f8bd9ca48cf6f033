"""Crops of a rectified page: the card or page itself, and the portrait of an ID card's front.

The page capture hands over is already upright and perspective-corrected (a card is cropped to its outline), so the
``document`` crop is that page. The portrait sits where the national card prints it — the right third, upper four
fifths — and is refined with OpenCV's bundled Haar face cascade when a face is found there; a card whose photo holds
no detectable face (our generated cards, a faded photo, a copy) gets the layout box, with a note saying so.
Pure image work: no OCR, no I/O beyond the cascade file that ships inside opencv-python.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass

import numpy as np

# Where the national ID card (GB/T 16649 layout) prints the photo, as fractions of the upright card: generous enough
# to hold the photo of real cards and of our generator (samples/generator/idcard_render.py, 55.5–81.5 × 5.5–38 mm),
# and clear of the address column, which wraps before 54 mm (0.63 of the width).
PORTRAIT_LAYOUT = (0.63, 0.05, 0.97, 0.80)
# The printed photo is about 26 × 32 mm: width over height.
PORTRAIT_ASPECT = 0.8
PORTRAIT_TYPES = frozenset({"id_card_front"})

BBox = tuple[int, int, int, int]


@dataclass(frozen=True)
class Crop:
    """One crop of page ``page`` (0-based in its document). ``bbox`` is in the page's pixels; ``method`` says how it
    was found: ``page`` (the rectified page itself), ``face`` (refined around a detected face) or ``layout``."""

    kind: str  # "document" | "portrait"
    page: int
    image: np.ndarray
    bbox: BBox
    method: str
    note: str | None = None

    @property
    def width(self) -> int:
        return int(self.image.shape[1])

    @property
    def height(self) -> int:
        return int(self.image.shape[0])


# One classifier per thread: detectMultiScale keeps per-image state in the classifier, and the OCR pool reads pages
# on several threads at once.
_local = threading.local()


def _face_cascade():  # type: ignore[no-untyped-def]
    cascade = getattr(_local, "cascade", None)
    if cascade is None:
        import cv2

        cascade = cv2.CascadeClassifier(cv2.data.haarcascades + "haarcascade_frontalface_default.xml")
        _local.cascade = cascade
    # Empty only if opencv-python were installed without its data files: then the layout box is used.
    return None if cascade.empty() else cascade


def layout_portrait_box(width: int, height: int) -> BBox:
    x0, y0, x1, y1 = PORTRAIT_LAYOUT
    return round(x0 * width), round(y0 * height), round(x1 * width), round(y1 * height)


def _face_in(image: np.ndarray, region: BBox) -> BBox | None:
    """The largest face the cascade finds inside ``region`` (page pixels), or None."""
    import cv2

    x0, y0, x1, y1 = region
    roi = image[y0:y1, x0:x1]
    cascade = _face_cascade()
    if roi.size == 0 or cascade is None:
        return None
    grey = cv2.cvtColor(roi, cv2.COLOR_BGR2GRAY) if roi.ndim == 3 else roi
    grey = cv2.equalizeHist(grey)
    side = min(roi.shape[:2])
    # A face on the card photo is at least a third of the photo's width; smaller hits are background print.
    faces = cascade.detectMultiScale(
        grey, scaleFactor=1.1, minNeighbors=5, minSize=(max(side // 4, 20),) * 2, maxSize=(side,) * 2
    )
    if len(faces) == 0:
        return None
    fx, fy, fw, fh = max((tuple(int(v) for v in f) for f in faces), key=lambda f: f[2] * f[3])
    return x0 + fx, y0 + fy, x0 + fx + fw, y0 + fy + fh


def _around_face(face: BBox, area: BBox) -> BBox:
    """The printed photo around a face: head and shoulders, the face in the upper middle, within ``area``."""
    fx0, fy0, fx1, fy1 = face
    fw, fh = fx1 - fx0, fy1 - fy0
    w = 1.8 * fw
    h = w / PORTRAIT_ASPECT
    cx = (fx0 + fx1) / 2
    top = fy0 - 0.45 * fh
    ax0, ay0, ax1, ay1 = area
    return max(ax0, round(cx - w / 2)), max(ay0, round(top)), min(ax1, round(cx + w / 2)), min(ay1, round(top + h))


def portrait(image: np.ndarray, *, page: int = 0) -> Crop:
    """The portrait of an upright, rectified ID card front."""
    height, width = image.shape[:2]
    layout = layout_portrait_box(width, height)
    face = _face_in(image, layout)
    if face is not None:
        box, method, note = _around_face(face, layout), "face", None
    else:
        box, method, note = layout, "layout", "no face found in the photo area: the layout box is used"
    x0, y0, x1, y1 = box
    return Crop("portrait", page, np.ascontiguousarray(image[y0:y1, x0:x1]), box, method, note)


def page_crops(image: np.ndarray | None, *, doc_type: str, page: int) -> tuple[Crop, ...]:
    """The crops of one rectified page: the page itself, and the portrait on an ID card's front. A page without
    pixels (a PDF text layer) has none."""
    if image is None or image.size == 0:
        return ()
    height, width = image.shape[:2]
    out = [Crop("document", page, image, (0, 0, width, height), "page")]
    if doc_type in PORTRAIT_TYPES and page == 0:
        out.append(portrait(image, page=page))
    return tuple(out)


def encode_jpeg(image: np.ndarray, *, max_side: int, quality: int) -> tuple[bytes, int, int]:
    """JPEG bytes of ``image`` scaled down to at most ``max_side`` pixels on its longer side: (bytes, w, h)."""
    import cv2

    h, w = image.shape[:2]
    scale = min(1.0, max_side / max(h, w))
    if scale < 1.0:
        image = cv2.resize(image, (max(1, round(w * scale)), max(1, round(h * scale))), interpolation=cv2.INTER_AREA)
    ok, buf = cv2.imencode(".jpg", np.ascontiguousarray(image), [cv2.IMWRITE_JPEG_QUALITY, int(quality)])
    if not ok:  # pragma: no cover - OpenCV encodes any uint8 image
        raise ValueError("the crop could not be encoded")
    return buf.tobytes(), int(image.shape[1]), int(image.shape[0])
