"""One decoded page in → upright, cropped pages out, each with a quality report, a perceptual hash and
the list of what was done to it.

Camera frames: every document on the desk is found (capture/locate.py), warped to an upright rectangle
of its real shape (an ID card 85.6 × 54 mm, an A4 page 210 × 297 mm) at a size that gives OCR enough
pixels and no more, and turned the right way up. Two cards side by side (front and back) give two pages.
When no document stands out, the whole frame goes on with a ``no_document_found`` warning; when an outline
was found but no rectangle can be warped from it (corners collinear or far off the frame, a side of a few
pixels), or any geometric step fails on it, the whole frame goes on with a ``bad_outline`` warning: capture
never raises on a decoded frame.

Scans (rasterised PDF pages): no desk, so no localisation; a small skew is straightened, the page
turned upright, and framing problems (cut off, too small) are not judged. A scanned page that holds
nothing but one or two ID-card copies (capture/content.py) gives one cropped page per card instead.

Cards whose outline barely shows (a pale card on a white counter plate, a copy on A4) are found by their
print (capture/content.py) and reconciled with the outlines found by edges and colour.

``Page.transforms`` names, in order: ``perspective`` (cropped and rectified), ``deskew`` (scan straightened),
``rotate_90`` / ``rotate_180`` / ``rotate_270`` (turned clockwise by that much to stand upright).
"""

from __future__ import annotations

import logging

import cv2
import imagehash
import numpy as np
from PIL import Image

from capture import orientation
from capture.content import cards_alone, with_content
from capture.geometry import (
    A4_MM,
    ID_CARD_ASPECT,
    ID_CARD_MM,
    DegenerateQuad,
    DocShape,
    check_quad,
    measured_size,
    quad_area,
    shape_of,
    shrink,
    warp,
)
from capture.locate import Detection, find_documents
from capture.outline import on_border
from capture.quality import Framing, assess, issue
from config.settings import CaptureSettings
from domain.models import Page, QualityReport

log = logging.getLogger(__name__)

_MIN_SIDE_PX = 64
# What a geometric step (OpenCV, numpy arithmetic) raises on a shape it cannot handle; capture turns each into
# the whole-frame fallback rather than losing the frame.
_GEOMETRY_ERRORS = (DegenerateQuad, cv2.error, ValueError, ArithmeticError, IndexError)
_ROTATIONS = {90: cv2.ROTATE_90_CLOCKWISE, 180: cv2.ROTATE_180, 270: cv2.ROTATE_90_COUNTERCLOCKWISE}


def rotate(image: np.ndarray, degrees_cw: int) -> np.ndarray:
    degrees_cw %= 360
    return image if degrees_cw == 0 else cv2.rotate(image, _ROTATIONS[degrees_cw])


def phash(image: np.ndarray) -> str:
    """Perceptual hash (imagehash.phash, 64 bits as hex) of a page image: equal pages, equal hashes."""
    small = shrink(cv2.cvtColor(image, cv2.COLOR_BGR2GRAY), 256)
    return str(imagehash.phash(Image.fromarray(small)))


def upright_turn(image: np.ndarray, *, landscape: bool | None) -> int:
    """Clockwise degrees (0/90/180/270) that stand the page upright.

    ``landscape`` says which way the document must lie when its shape tells (an ID card is landscape);
    otherwise the direction of its text lines decides between 0 and 90. Whether it is upside down is
    then judged from line alignment; unclear means no turn (the pipeline re-reads doubtful pages 180°).
    """
    gray = cv2.cvtColor(shrink(image, 800), cv2.COLOR_BGR2GRAY)
    h, w = gray.shape
    quarter = (w >= h) != landscape if landscape is not None else bool(orientation.quarter_turn_needed(gray))
    if not quarter:
        return 180 if orientation.upside_down(gray) else 0
    turned = rotate(gray, 90)
    verdict = orientation.upside_down(turned)
    if verdict is None:
        # Try the other way round before settling for the default.
        other = orientation.upside_down(rotate(gray, 270))
        return 90 if other is None or other else 270
    return 270 if verdict else 90


def upright_known(image: np.ndarray) -> bool:
    """Whether an upright page's orientation is settled by its layout, so OCR need not try it turned 180°."""
    return orientation.surely_upright(cv2.cvtColor(shrink(image, 800), cv2.COLOR_BGR2GRAY))


def _physical_long_mm(kind: str) -> float | None:
    return {"id_card": ID_CARD_MM[0], "a4": A4_MM[0]}.get(kind)


def _hidden_share(quad: np.ndarray, frame_w: int, frame_h: int) -> float:
    """How much of a document whose one side is the frame border lies beyond it, judged as if it were an
    ID card: the side opposite the border is whole, so the card's shape says how far it must reach."""
    sides = [i for i in range(4) if on_border(quad[i], quad[(i + 1) % 4], frame_w, frame_h, 3.0)]
    if len(sides) != 1:
        return 0.0
    i = sides[0]
    whole = float(np.linalg.norm(quad[(i + 3) % 4] - quad[(i + 2) % 4]))  # the side opposite the border
    seen = (
        float(np.linalg.norm(quad[(i + 1) % 4] - quad[(i + 2) % 4]))
        + float(np.linalg.norm(quad[i] - quad[(i + 3) % 4]))
    ) / 2
    # The smallest card that holds what is seen: conservative about what is missing.
    reach = next((r for r in (whole / ID_CARD_ASPECT, whole * ID_CARD_ASPECT) if r >= seen), seen)
    return max(0.0, 1.0 - seen / reach)


def _framing(det: Detection, shape: DocShape, frame_w: int, frame_h: int) -> Framing:
    quad = det.quad.astype(np.float32)
    frame = np.array([[0, 0], [frame_w, 0], [frame_w, frame_h], [0, frame_h]], np.float32)
    total = quad_area(quad)
    inside, _ = cv2.intersectConvexConvex(quad, frame)
    # Corners beyond the frame were placed from the sides in view; a side on the border hides how far the
    # document goes, so judge that from its shape.
    outside = max(0.0, 1.0 - float(inside) / max(total, 1e-6))
    if det.cut_off:
        outside = max(outside, _hidden_share(quad, frame_w, frame_h))
    long_mm = _physical_long_mm(shape.kind)
    w, h = (
        float(np.linalg.norm(quad[1] - quad[0]) + np.linalg.norm(quad[2] - quad[3])) / 2,
        float(np.linalg.norm(quad[3] - quad[0]) + np.linalg.norm(quad[2] - quad[1])) / 2,
    )
    px_per_mm = max(w, h) / long_mm if long_mm else None
    return Framing(
        kind=shape.kind,
        area_fraction=min(float(inside) / (frame_w * frame_h), 1.0),
        outside_fraction=outside,
        cut_off=det.cut_off,
        px_per_mm=px_per_mm,
    )


_PREVIEW_LONG_PX = 1000


def quad_line_share(image: np.ndarray, quad: np.ndarray) -> float | None:
    """Text line height over the document's long side, read on a quick rectified preview: the measured
    shape alone confuses an A4 page under keystone with an ID card (capture.geometry.likely_kind)."""
    w, h = measured_size(quad)
    s = min(1.0, _PREVIEW_LONG_PX / max(w, h, 1.0))
    preview = warp(image, quad, (max(round(w * s), 16), max(round(h * s), 16)))
    return orientation.text_line_share(cv2.cvtColor(preview, cv2.COLOR_BGR2GRAY))


def _cropped_page(page: Page, det: Detection, index: int, *, judge_framing: bool = True) -> Page:
    assert page.image is not None
    fh, fw = page.image.shape[:2]
    shape = shape_of(det.quad, line_share=quad_line_share(page.image, det.quad))
    image = warp(page.image, det.quad, (shape.width, shape.height))
    turn = upright_turn(image, landscape=True if shape.kind == "id_card" else None)
    image = np.ascontiguousarray(rotate(image, turn))
    framing = _framing(det, shape, fw, fh)
    native = (
        framing.px_per_mm * _physical_long_mm(shape.kind)
        if framing.px_per_mm
        else max(np.ptp(det.quad[:, 0]), np.ptp(det.quad[:, 1]))
    )
    # A scan has no desk and no camera to move closer: its crops are not judged on framing either.
    report = assess(image, kind=shape.kind, framing=framing if judge_framing else None, native_long_px=native)
    transforms = (*page.transforms, "perspective", *((f"rotate_{turn}",) if turn else ()))
    h, w = image.shape[:2]
    return page.with_(
        index=index,
        image=image,
        width=float(w),
        height=float(h),
        quality=report,
        phash=phash(image),
        transforms=transforms,
        upright_known=upright_known(image),
    )


def _whole_page(page: Page, *, scan: bool) -> Page:
    """The frame as it is (no document found) or a scan: straightened and turned upright, not cropped."""
    assert page.image is not None
    image = page.image
    transforms = list(page.transforms)
    if scan:
        angle = orientation.skew_angle(cv2.cvtColor(shrink(image, 1200), cv2.COLOR_BGR2GRAY))
        if abs(angle) >= 0.3:
            image = _deskew(image, angle)
            transforms.append("deskew")
    turn = upright_turn(image, landscape=None)
    image = np.ascontiguousarray(rotate(image, turn))
    if turn:
        transforms.append(f"rotate_{turn}")
    if scan:
        report = assess(image, kind="other", framing=None)
    else:
        report = assess(image, kind="other", framing=None, no_document=True)
    h, w = image.shape[:2]
    return page.with_(
        image=image,
        width=float(w),
        height=float(h),
        quality=report,
        phash=phash(image),
        transforms=tuple(transforms),
        upright_known=upright_known(image),
    )


def _deskew(image: np.ndarray, angle_deg: float) -> np.ndarray:
    h, w = image.shape[:2]
    m = cv2.getRotationMatrix2D((w / 2, h / 2), angle_deg, 1.0)
    # Rotate about the centre keeping the size: a skew of a few degrees loses only margin.
    return cv2.warpAffine(image, m, (w, h), flags=cv2.INTER_LINEAR, borderMode=cv2.BORDER_REPLICATE)


def _fallback(page: Page, why: str) -> Page:
    """The whole frame with a ``bad_outline`` warning, when the document found on it cannot be warped."""
    log.warning("capture: %s: %s; the whole frame is read instead", page.source, why)
    try:
        whole = _whole_page(page, scan=False)
        report = whole.quality
    except _GEOMETRY_ERRORS as exc:  # a frame even the whole-page steps cannot handle goes on as it is
        log.warning("capture: %s: the whole frame cannot be straightened either (%s)", page.source, exc)
        whole, report = page, QualityReport(issues=(), metrics={})
    warned = QualityReport(issues=(issue("bad_outline", "other", None, False), *report.issues), metrics=report.metrics)
    return whole.with_(quality=warned)


def prepare_frame(page: Page, settings: CaptureSettings) -> list[Page]:
    """Upright, cropped pages from one decoded page: one per document found in a camera frame (two cards
    side by side give two), or the page itself straightened (scans, frames with no document found). Never
    raises on a decoded image: a step that fails gives the whole frame with a ``bad_outline`` warning."""
    del settings  # sizes are fixed by what OCR needs, not by upload limits
    if page.image is None:
        return [page]
    if page.image.ndim != 3 or page.image.shape[2] != 3 or min(page.image.shape[:2]) < 1:
        return [_fallback(page, f"not a BGR image (shape {page.image.shape})")]
    if page.origin == "scan":
        try:
            # A scanned page holding only ID-card copies (a bank package's A4 copy) gives one page per card.
            cards = cards_alone(page.image)
            return crop_documents(page, cards, scan=True) if cards else [_whole_page(page, scan=True)]
        except _GEOMETRY_ERRORS as exc:
            return [_fallback(page, f"the scan cannot be straightened ({type(exc).__name__}: {exc})")]
    # A sliver or a thumbnail has no desk to find a document on.
    too_thin = min(page.image.shape[:2]) < _MIN_SIDE_PX
    try:
        # Edges and colour first; the print decides where they are weak (pale desks, copies on A4).
        detections = [] if too_thin else with_content(page.image, find_documents(page.image))
    except _GEOMETRY_ERRORS as exc:
        return [_fallback(page, f"finding the document failed ({type(exc).__name__}: {exc})")]
    if not detections:
        try:
            return [_whole_page(page, scan=False)]
        except _GEOMETRY_ERRORS as exc:
            return [_fallback(page, f"the frame cannot be straightened ({type(exc).__name__}: {exc})")]
    return crop_documents(page, detections)


def crop_documents(page: Page, detections: list[Detection], *, scan: bool = False) -> list[Page]:
    """One upright, cropped page per detection, in reading order; the whole frame with a ``bad_outline``
    warning when any outline cannot be warped. Crops of a ``scan`` are not judged on framing (cut off, small)."""
    assert page.image is not None
    if len(detections) > 1:
        # Reading order: left to right for documents side by side, top to bottom for a stack.
        centres = np.array([d.quad.mean(axis=0) for d in detections])
        axis = 0 if np.ptp(centres[:, 0]) >= np.ptp(centres[:, 1]) else 1
        detections = [detections[i] for i in np.argsort(centres[:, axis], kind="stable")]
    fh, fw = page.image.shape[:2]
    pages: list[Page] = []
    for i, det in enumerate(detections):
        try:
            check_quad(det.quad, fw, fh)
            pages.append(_cropped_page(page, det, i, judge_framing=not scan))
        except _GEOMETRY_ERRORS as exc:
            # One unusable outline makes the split doubtful too: read the frame as a whole.
            return [_fallback(page, f"document outline {i + 1} is unusable ({type(exc).__name__}: {exc})")]
    return pages
