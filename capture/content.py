"""Finding ID cards by what is printed on them, for scenes where the card's outline barely shows: a pale card on a
white or light-grey counter plate, or a photocopy of a card on an A4 page (the copier drops the card's pale
security print, so only its text, portrait and emblem remain).

1. Ink at ~1000 px: marks much darker than their surroundings (adaptive threshold with a floor well above desk
   patterns and the card's own security print); long rules and desk grids, which span much of the frame, go.
2. Ink blobs (characters, words, the portrait's outline, the emblem) are grouped by distance, at a growing
   range of distances. A group is a card when its rotated bounding box has the shape of a card's printed area,
   its lines run along its long side (more empty rows than empty columns, turned to lie flat) and are large
   for its size (a card's 3-4 mm lines, not a paragraph's body text), and no other ink
   lies close around it (a paragraph inside a contract page has neighbours; a card has blank desk or paper
   round it). The largest such group is a card; its print is then set aside and the search run again for a
   second one (the other side), which must be about as large and must not overlap the first.
3. The printed area sits inside the card at known margins (on both sides it covers ~82 % of the card's short
   side), so the card's outline is drawn round it at the card's own shape.

``with_content`` reconciles these cards with the outlines capture/locate.py found on a camera frame;
``cards_alone`` says whether a scanned page holds nothing but card copies. docs/capture_scenes.md tells why.
"""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np

from capture.geometry import A4_MM, ID_CARD_ASPECT, ID_CARD_MM, measured_size, order_corners, quad_area, shrink
from capture.locate import Detection
from capture.orientation import layout, mask_line_share

WORK_LONG_PX = 1000
# The printed area over the card's short side, and over its long side (front: 75 of 85.6 mm; back ~66 mm).
PRINT_SHORT_SHARE = 0.82
PRINT_LONG_SHARE = 0.88
PRINT_ASPECT = (1.25, 1.95)  # printed-area long/short: front ~1.70, back ~1.45, with perspective ±0.15
MIN_LONG_SHARE = 0.15  # of the frame's long side: smaller groups are a line of text, a logo, a stamp
MIN_BLOBS = 6
# Text line height over the printed area's long side: a card's 3-4 mm lines on ~75 mm measured 0.038 and up on
# generated scenes; body text in a paragraph block of a page ~0.02 (10.5 pt lines on 150-180 mm).
MIN_LINE_SHARE = 0.03
RING_SHARE = 0.2  # of the group's short side: the blank margin a card has round its print
MAX_RING_INK = 0.12  # ink in that ring over ink inside
REACHES = tuple(round(3.0 * 1.25**k, 1) for k in range(19))  # 3 … 166 work px
INK_OFFSET_FLOOR = 25.0  # grey levels: desk patterns and security print stay below, printed text far above
PAGE_ASPECT = (1.25, 1.5)  # A4 1.414, US Letter 1.294
MAX_OTHER_INK = 0.1  # print outside the cards over print on them, for a page to count as holding only cards


@dataclass(frozen=True)
class ContentCard:
    quad: np.ndarray  # (4, 2) float32 frame pixels: the card's estimated outline, ordered
    print_quad: np.ndarray  # (4, 2) float32 frame pixels: the printed area found
    ink: float  # ink pixels inside the printed area (work pixels)
    cut_off: bool  # the print reaches the frame border


def ink(gray_small: np.ndarray) -> np.ndarray:
    """Dark marks (uint8 0/255) on a work-size grey image; frame-spanning lines and single specks removed."""
    h, w = gray_small.shape
    block = max(15, (min(h, w) // 30) | 1)
    p5, p95 = np.percentile(gray_small, (5, 95))
    offset = max(INK_OFFSET_FLOOR, 0.18 * float(p95 - p5))
    mask = cv2.adaptiveThreshold(gray_small, 255, cv2.ADAPTIVE_THRESH_MEAN_C, cv2.THRESH_BINARY_INV, block, offset)
    _, labels, stats, _ = cv2.connectedComponentsWithStats(mask, connectivity=8)
    bw, bh, area = stats[:, cv2.CC_STAT_WIDTH], stats[:, cv2.CC_STAT_HEIGHT], stats[:, cv2.CC_STAT_AREA]
    drop = (bw > 0.3 * w) | (bh > 0.3 * h) | (area < 4)
    drop[0] = True
    return np.where(drop[labels], 0, mask).astype(np.uint8)


@dataclass(frozen=True)
class _Blobs:
    boxes: np.ndarray  # (n, 4) float32 x0, y0, x1, y1
    hulls: list[np.ndarray]  # each blob's convex hull, (k, 2) float32: tilted words keep a tight outline


def _blobs(mask: np.ndarray) -> _Blobs:
    """Words: ink closed over character gaps, as boxes and hulls."""
    closed = cv2.morphologyEx(mask, cv2.MORPH_CLOSE, cv2.getStructuringElement(cv2.MORPH_RECT, (5, 5)))
    contours, _ = cv2.findContours(closed, cv2.RETR_EXTERNAL, cv2.CHAIN_APPROX_SIMPLE)
    contours = [c for c in contours if cv2.contourArea(c) >= 12]
    if not contours:
        return _Blobs(np.zeros((0, 4), np.float32), [])
    rects = np.array([cv2.boundingRect(c) for c in contours], np.float32)
    areas = np.array([cv2.contourArea(c) for c in contours], np.float32)
    # Thin slivers are the card's rim or a shadow edge catching the threshold, not print: they would
    # stretch the printed area out to the card's outline.
    thin = np.minimum(rects[:, 2], rects[:, 3])
    keep = (thin >= 0.4 * np.median(thin)) & (areas >= 0.35 * np.median(areas))
    boxes = np.stack([rects[:, 0], rects[:, 1], rects[:, 0] + rects[:, 2], rects[:, 1] + rects[:, 3]], axis=1)
    hulls = [cv2.convexHull(c).reshape(-1, 2).astype(np.float32) for c, k in zip(contours, keep, strict=True) if k]
    return _Blobs(boxes[keep], hulls)


def _words(mask: np.ndarray, boxes: np.ndarray) -> np.ndarray:
    """The ink of the kept blobs only: slivers and specks must not count as print round a card either."""
    keep = np.zeros(mask.shape, np.uint8)
    for x0, y0, x1, y1 in boxes.astype(int) + np.array([0, 0, 1, 1]):
        keep[y0:y1, x0:x1] = 255
    return cv2.bitwise_and(mask, keep)


def _groups(boxes: np.ndarray, reach: float) -> list[np.ndarray]:
    """Indices of boxes linked by gaps under ``reach`` (single linkage)."""
    n = len(boxes)
    gx = np.maximum(boxes[None, :, 0] - boxes[:, None, 2], boxes[:, None, 0] - boxes[None, :, 2])
    gy = np.maximum(boxes[None, :, 1] - boxes[:, None, 3], boxes[:, None, 1] - boxes[None, :, 3])
    adj = (np.maximum(gx, gy) < reach).astype(np.uint8)
    parent = np.arange(n)

    def root(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    for i, j in zip(*np.nonzero(np.triu(adj, 1)), strict=True):
        ri, rj = root(int(i)), root(int(j))
        if ri != rj:
            parent[ri] = rj
    roots = np.array([root(i) for i in range(n)])
    return [np.nonzero(roots == r)[0] for r in np.unique(roots)]


def _flat(mask: np.ndarray, rect: tuple) -> np.ndarray:
    """The mask inside a rotated rect, turned so the rect's long side lies horizontal."""
    (cx, cy), (rw, rh), angle = rect
    if rw < rh:
        rw, rh, angle = rh, rw, angle + 90
    m = cv2.getRotationMatrix2D((cx, cy), angle, 1.0)
    m[:, 2] += (rw / 2 - cx, rh / 2 - cy)
    return cv2.warpAffine(mask, m, (max(int(rw), 1), max(int(rh), 1)), flags=cv2.INTER_NEAREST)


def _ring_ink(mask: np.ndarray, rect: tuple, inside: float) -> float:
    (cx, cy), (rw, rh), angle = rect
    pad = 2 * RING_SHARE * min(rw, rh)
    outer = cv2.boxPoints(((cx, cy), (rw + pad, rh + pad), angle)).astype(np.int32)
    region = np.zeros(mask.shape, np.uint8)
    cv2.fillConvexPoly(region, outer, 255)
    cv2.fillConvexPoly(region, cv2.boxPoints(rect).astype(np.int32), 0)
    return float(np.count_nonzero(mask[region > 0])) / max(inside, 1.0)


@dataclass(frozen=True)
class _Candidate:
    rect: tuple
    ink: float
    area: float
    members: tuple[int, ...]  # indices of its blobs


def _card_like(mask: np.ndarray, blobs: _Blobs, idx: np.ndarray, min_long: float) -> _Candidate | None:
    if len(idx) < MIN_BLOBS:
        return None
    pts = np.concatenate([blobs.hulls[i] for i in idx])
    rect = cv2.minAreaRect(pts)
    long_side, short_side = max(rect[1]), min(rect[1])
    if long_side < min_long or short_side < 1 or not PRINT_ASPECT[0] <= long_side / short_side <= PRINT_ASPECT[1]:
        return None
    flat = _flat(mask, rect)
    inside = float(np.count_nonzero(flat))
    if inside < 0.03 * flat.size:
        return None
    lay = layout(flat)
    if lay.horizontal_gaps <= lay.vertical_gaps:  # its lines run across the long side: not a card's print
        return None
    share = mask_line_share(flat)
    if share is None or share < MIN_LINE_SHARE:  # small print for its size: a paragraph, not a card
        return None
    if _ring_ink(mask, rect, inside) > MAX_RING_INK:
        return None
    return _Candidate(rect, inside, long_side * short_side, tuple(int(i) for i in idx))


def _largest(mask: np.ndarray, blobs: _Blobs, alive: np.ndarray, min_long: float, unit: float) -> _Candidate | None:
    """The largest card-like group of the blobs still alive, over all linking distances."""
    live = np.nonzero(alive)[0]
    best = None
    # Gaps to bridge, in work pixels: from between characters up to the ~17 mm between an ID card back's title
    # and its validity lines, in steps of ~25 % so that gap is bridged before the one to a card beside it.
    for reach in REACHES:
        for group in _groups(blobs.boxes[live], reach * unit):
            cand = _card_like(mask, blobs, live[group], min_long)
            if cand is not None and (best is None or cand.area > best.area):
                best = cand
    return best


def find_cards(image: np.ndarray, *, max_cards: int = 2) -> list[ContentCard]:
    """Cards in a BGR frame found by their print, largest first; empty when no group of ink is card-like."""
    fh, fw = image.shape[:2]
    small = shrink(cv2.cvtColor(image, cv2.COLOR_BGR2GRAY), WORK_LONG_PX)
    h, w = small.shape
    mask = ink(small)
    blobs = _blobs(mask)
    if len(blobs.hulls) < MIN_BLOBS or len(blobs.hulls) > 3000:
        return []
    mask = _words(mask, blobs.boxes)
    min_long = MIN_LONG_SHARE * max(h, w)
    alive = np.ones(len(blobs.hulls), bool)
    chosen: list[_Candidate] = []
    while len(chosen) < max_cards:
        best = _largest(mask, blobs, alive, min_long, max(h, w) / WORK_LONG_PX)
        # A second card is the other side of the first, about as large; not a label or a business card.
        if best is None or (chosen and best.area < 0.45 * chosen[0].area):
            break
        chosen.append(best)
        # The next card is sought without this one's print: the gap between two cards lying side by side may
        # be narrower than the one inside a card's back, and this card's ink is no neighbour of the next.
        alive[list(best.members)] = False
        mask = mask.copy()
        cv2.fillConvexPoly(mask, cv2.boxPoints(best.rect).astype(np.int32), 0)
    sx, sy = fw / w, fh / h
    out = []
    for c in chosen:
        (cx, cy), (rw, rh), angle = c.rect
        landscape = rw >= rh
        long_p, short_p = max(rw, rh), min(rw, rh)
        short_c = max(short_p / PRINT_SHORT_SHARE, long_p / PRINT_LONG_SHARE / ID_CARD_ASPECT)
        long_c = short_c * ID_CARD_ASPECT
        size = (long_c, short_c) if landscape else (short_c, long_c)
        scale = np.array([sx, sy], np.float32)
        card = order_corners(cv2.boxPoints(((cx, cy), size, angle)) * scale)
        printed = order_corners(cv2.boxPoints(c.rect) * scale)
        margin = 0.01 * max(h, w)
        pts = cv2.boxPoints(c.rect)
        cut = bool(np.any(pts < margin) or np.any(pts[:, 0] > w - margin) or np.any(pts[:, 1] > h - margin))
        out.append(ContentCard(card, printed, c.ink, cut))
    if len(out) == 2 and covered(out[1].quad, out[0].quad) > 0.1:
        return []  # two cards never overlap: this is one block of print (a table, a form), not cards
    return out


def covered(inner: np.ndarray, outer: np.ndarray) -> float:
    """Share of quad ``inner`` that lies inside convex quad ``outer``."""
    inter, _ = cv2.intersectConvexConvex(inner.astype(np.float32), outer.astype(np.float32))
    return float(inter) / max(quad_area(inner), 1e-6)


# --- reconciling with the outlines found by edges and colour (capture/locate.py) --------------------------------
def _as_detection(card: ContentCard, frame_area: float) -> Detection:
    return Detection(
        quad=card.quad,
        area_fraction=min(quad_area(card.quad) / frame_area, 1.0),
        cut_off=card.cut_off,
        rectangularity=1.0,
        contrast=0.0,  # no outline was seen: the card was placed from its print
        straightness=0.0,
    )


def _page_holds_cards(page_long: float, page_short: float, cards: list[ContentCard]) -> bool:
    """Whether cards of this size fit a page of that size as ID cards on A4 (or Letter) do: a card is 85.6 mm on
    a 297 mm page, ~29 % of its long side. A block of print on a contract's cover or signature page is larger."""
    if page_short < 1 or not PAGE_ASPECT[0] <= page_long / page_short <= PAGE_ASPECT[1]:
        return False
    typical = ID_CARD_MM[0] / A4_MM[0]
    return all(0.75 * typical <= max(measured_size(c.quad)) / page_long <= 1.3 * typical for c in cards)


def _ink_outside(mask: np.ndarray, quads: list[np.ndarray], scale: np.ndarray, region: np.ndarray | None = None):
    """Ink on the quads, and ink elsewhere (within ``region``, a quad, or the whole frame)."""
    on = np.zeros(mask.shape, np.uint8)
    for q in quads:
        cv2.fillConvexPoly(on, np.round(q * scale).astype(np.int32), 255)
    within = mask
    if region is not None:
        area = np.zeros(mask.shape, np.uint8)
        cv2.fillConvexPoly(area, np.round(region * scale).astype(np.int32), 255)
        within = cv2.bitwise_and(mask, area)
    inside = float(np.count_nonzero(within[on > 0]))
    return inside, float(np.count_nonzero(within)) - inside


def _only(inside: float, other: float) -> bool:
    return other <= MAX_OTHER_INK * max(inside, 1.0)


def with_content(image: np.ndarray, detections: list[Detection], *, max_documents: int = 2) -> list[Detection]:
    """The documents on a frame, the outlines found by edges and colour checked against the cards found by their
    print. An outline round one card's print stays (its edges are exact); an A4-shaped outline holding nothing
    but card-sized print (an ID copy) gives way to the cards, and so does one much smaller than the card round it
    (the photo box); an outline with no print of its own (a shadow, a desk pattern, a light desk's vignette) is
    dropped when cards were found; cards no outline holds are added when the frame holds no other print. With no
    card found by print, the outlines stand as they are."""
    cards = find_cards(image, max_cards=max_documents)
    if not cards:
        return detections
    fh, fw = image.shape[:2]
    small = shrink(cv2.cvtColor(image, cv2.COLOR_BGR2GRAY), WORK_LONG_PX)
    mask = ink(small)
    scale = np.array([small.shape[1] / fw, small.shape[0] / fh], np.float32)
    least_card_ink = min(c.ink for c in cards)
    kept: list[Detection] = []
    used: set[int] = set()
    for det in detections:
        inside = [i for i, c in enumerate(cards) if covered(c.print_quad, det.quad) >= 0.8]
        if inside:
            held = [cards[i] for i in inside]
            area, biggest = quad_area(det.quad), max(quad_area(c.quad) for c in held)
            w, h = measured_size(det.quad)
            copy = (
                area > 2.0 * biggest
                and _page_holds_cards(max(w, h), min(w, h), held)
                and _only(*_ink_outside(mask, [c.quad for c in held], scale, det.quad))
            )
            if copy or area < 0.6 * biggest:
                kept.extend(_as_detection(cards[i], fw * fh) for i in inside if i not in used)
            else:
                kept.append(det)  # the card's own outline, or a page read whole with its other print
            used.update(inside)
            continue
        part_of_card = any(covered(det.quad, c.quad) >= 0.5 for c in cards)
        phantom = _ink_outside(mask, [det.quad], scale)[0] < 0.3 * least_card_ink
        if not (part_of_card or phantom):
            kept.append(det)
    extra = [c for i, c in enumerate(cards) if i not in used]
    # Cards no outline holds are taken when the frame's other print is no more than theirs: a second card this
    # search missed may lie beside them, but not a pale page full of text that the outline search missed.
    if extra:
        inside, other = _ink_outside(mask, [c.quad for c in extra] + [d.quad for d in kept], scale)
        if other <= inside:
            kept.extend(_as_detection(c, fw * fh) for c in extra)
    if len(kept) > max_documents:
        kept = sorted(kept, key=lambda d: -quad_area(d.quad))[:max_documents]
    return kept


def cards_alone(image: np.ndarray, *, max_cards: int = 2) -> list[Detection]:
    """The cards on a scanned page when they are all it holds (an A4 copy of an ID card's sides) and are card-sized
    for the page, else nothing: a form with a card copy pasted in, or a contract's cover page, is read whole."""
    fh, fw = image.shape[:2]
    cards = find_cards(image, max_cards=max_cards)
    if not cards or not _page_holds_cards(max(fh, fw), min(fh, fw), cards):
        return []
    small = shrink(cv2.cvtColor(image, cv2.COLOR_BGR2GRAY), WORK_LONG_PX)
    scale = np.array([small.shape[1] / fw, small.shape[0] / fh], np.float32)
    if not _only(*_ink_outside(ink(small), [c.quad for c in cards], scale)):
        return []
    return [_as_detection(c, fw * fh) for c in cards]
