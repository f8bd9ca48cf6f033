"""Which way up a page is, from the layout of its ink alone (no OCR).

* 90°/270°: text lines leave empty rows between them, and inter-character gaps are much narrower than
  line gaps, so the projection of the ink onto the axis across the lines has far more empty bins.
* 180°: documents here are left-aligned (ID-card labels 姓名/性别/出生/住址, contract clauses 第一条…,
  甲方：…) with ragged right ends, so line starts cluster and line ends scatter. Turned over, it is the
  other way round. The cue is weak on centred or fully justified text, so it answers only when clear;
  the pipeline settles the rest by reading the page both ways when OCR confidence is low.
"""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np

from capture.geometry import shrink

_WORK_LONG_PX = 800


@dataclass(frozen=True)
class Layout:
    horizontal_gaps: float  # share of empty rows inside the text block (gaps between horizontal lines)
    vertical_gaps: float  # share of empty columns inside the text block
    lines: int  # text lines found (in the horizontal reading)


def ink_mask(gray: np.ndarray) -> np.ndarray:
    """Dark marks on a lighter ground (uint8 0/255) at ~800 px: characters, without photos, rules, specks
    or whatever the crop's own edge shows (rounded corners, a sliver of desk)."""
    small = shrink(gray, _WORK_LONG_PX)
    h, w = small.shape
    block = max(15, (min(h, w) // 20) | 1)
    # Ink is far darker than its surroundings; security print (guilloche waves, tints) only a little.
    p5, p95 = np.percentile(small, (5, 95))
    offset = max(8.0, 0.15 * float(p95 - p5))
    mask = cv2.adaptiveThreshold(small, 255, cv2.ADAPTIVE_THRESH_MEAN_C, cv2.THRESH_BINARY_INV, block, offset)
    m = max(2, round(0.03 * min(h, w)))
    mask[:m], mask[-m:], mask[:, :m], mask[:, -m:] = 0, 0, 0, 0
    n, labels, stats, _ = cv2.connectedComponentsWithStats(mask, connectivity=8)
    if n <= 1:
        return mask
    bw, bh, area = stats[:, cv2.CC_STAT_WIDTH], stats[:, cv2.CC_STAT_HEIGHT], stats[:, cv2.CC_STAT_AREA]
    # Characters are small; a photo, a frame line or the document's own edge is not text, and specks
    # far smaller than a typical stroke group are noise or the broken outline of a photo.
    big = (bw > 0.25 * w) | (bh > 0.25 * h) | ((bh > 0.12 * min(h, w)) & (bw > 0.12 * min(h, w)))
    typical = float(np.median(area[1:][~big[1:]])) if np.any(~big[1:]) else 0.0
    specks = area < max(4.0, 0.15 * typical)
    drop = big | specks
    drop[0] = True
    return np.where(drop[labels], 0, mask).astype(np.uint8)


def _gap_share(profile: np.ndarray) -> float:
    nz = np.nonzero(profile > 0)[0]
    if len(nz) < 2:
        return 0.0
    inner = profile[nz[0] : nz[-1] + 1]
    level = 0.04 * float(np.percentile(inner, 90))
    return float(np.mean(inner <= level))


def layout(mask: np.ndarray) -> Layout:
    rows = mask.sum(axis=1, dtype=np.float64)
    cols = mask.sum(axis=0, dtype=np.float64)
    lines = 0
    if rows.any():
        on = rows > 0.04 * np.percentile(rows[rows > 0], 90)
        lines = int(np.sum(on[1:] & ~on[:-1]) + int(on[0]))
    return Layout(_gap_share(rows), _gap_share(cols), lines)


def quarter_turn_needed(gray: np.ndarray) -> bool | None:
    """True when text runs top-to-bottom (turn by 90°), False when it runs across, None when unclear."""
    mask = ink_mask(gray)
    if mask.mean() < 0.002 * 255:  # next to no ink: nothing to tell by
        return None
    lay = layout(mask)
    if lay.horizontal_gaps > max(1.4 * lay.vertical_gaps, lay.vertical_gaps + 0.06):
        return False
    if lay.vertical_gaps > max(1.4 * lay.horizontal_gaps, lay.horizontal_gaps + 0.06):
        return True
    return None


def _line_bands(mask: np.ndarray) -> list[tuple[int, int]]:
    rows = mask.sum(axis=1, dtype=np.float64)
    if not rows.any():
        return []
    on = rows > 0.04 * np.percentile(rows[rows > 0], 90)
    bands, start = [], None
    for i, v in enumerate(on):
        if v and start is None:
            start = i
        elif not v and start is not None:
            bands.append((start, i))
            start = None
    if start is not None:
        bands.append((start, len(on)))
    return [(a, b) for a, b in bands if b - a >= 4]


def _aligned(edges: np.ndarray, tol: float) -> int:
    """The most line ends that share one position (within ``tol``)."""
    if len(edges) == 0:
        return 0
    return int(max(np.sum(np.abs(edges - e) <= tol) for e in edges))


def _extent(band: np.ndarray) -> tuple[int, int] | None:
    """First and last ink column of a line's main run: pieces further than three line heights from the
    bulk of the line (a photo's edge, a stamp) do not belong to it."""
    cols = np.nonzero(band.any(axis=0))[0]
    if len(cols) < 3:
        return None
    pieces = np.split(cols, np.nonzero(np.diff(cols) > 3 * band.shape[0])[0] + 1)
    main = max(pieces, key=len)
    return int(main[0]), int(main[-1])


def _votes(mask: np.ndarray) -> tuple[int, int]:
    """(upright votes, upside-down votes) from line alignment and the position of the title."""
    bands = _line_bands(mask)
    if len(bands) < 2:
        return 0, 0
    h, w = mask.shape
    up = down = 0
    extents = [e for a, b in bands if (e := _extent(mask[a:b])) is not None]
    if len(extents) >= 3:
        tol = 0.012 * w
        left = _aligned(np.array([e[0] for e in extents], float), tol)
        right = _aligned(np.array([e[1] for e in extents], float), tol)
        if left >= right + 2 and left >= 3:
            up += 1
        elif right >= left + 2 and right >= 3:
            down += 1
    # A title is set larger than the body and stands at the top.
    heights = np.array([b - a for a, b in bands], float)
    tallest = int(np.argmax(heights))
    if heights[tallest] >= 1.4 * float(np.median(heights)):
        centre = (bands[tallest][0] + bands[tallest][1]) / 2 / h
        if centre < 0.4:
            up += 1
        elif centre > 0.6:
            down += 1
    return up, down


def text_line_share(gray: np.ndarray) -> float | None:
    """Height of a typical text line as a share of the picture's longer side, read across whichever axis the
    lines run along; None when fewer than two lines show. Print sizes are fixed in millimetres, so this
    says how large the document is: body text on A4 is ~1.2 % of the page, an ID card's lines ~3.4 %."""
    return mask_line_share(ink_mask(gray))


def mask_line_share(mask: np.ndarray) -> float | None:
    """:func:`text_line_share` of an ink mask (uint8 0/255) already made."""
    if mask.mean() < 0.002 * 255:
        return None
    lay = layout(mask)
    if lay.vertical_gaps > lay.horizontal_gaps:
        mask = mask.T  # the lines run down the picture
    lines = _line_bands(mask)
    if len(lines) < 2:
        return None
    # Weighted by ink, so slivers of security print or noise between the lines do not pull it down.
    heights = np.array([b - a for a, b in lines], np.float64)
    ink = np.array([mask[a:b].sum(dtype=np.float64) for a, b in lines])
    order = np.argsort(heights)
    cumulative = np.cumsum(ink[order])
    typical = heights[order][int(np.searchsorted(cumulative, cumulative[-1] / 2))]
    return float(typical) / max(mask.shape)


def upside_down(gray: np.ndarray) -> bool | None:
    """True when a horizontal-text page looks turned by 180°, False when upright, None when unclear."""
    up, down = _votes(ink_mask(gray))
    if up > down:
        return False
    if down > up:
        return True
    return None


def surely_upright(gray: np.ndarray) -> bool:
    """True when every cue (line alignment and the title's place) says a horizontal-text page is upright."""
    up, down = _votes(ink_mask(gray))
    return up >= 2 and down == 0


def skew_angle(gray: np.ndarray, *, max_deg: float = 5.0) -> float:
    """Small rotation (degrees, counter-clockwise positive as cv2.getRotationMatrix2D takes it) that makes
    text lines horizontal: the angle whose row projection of the ink is sharpest."""
    mask = ink_mask(gray)
    ys, xs = np.nonzero(mask)
    if len(xs) < 200:
        return 0.0
    step = max(1, len(xs) // 30000)
    xs = xs[::step].astype(np.float64) - mask.shape[1] / 2
    ys = ys[::step].astype(np.float64) - mask.shape[0] / 2

    def sharpness(deg: float) -> float:
        a = np.radians(deg)
        # Row of each ink pixel after turning the page by ``deg`` counter-clockwise (y down).
        rows = np.round(ys * np.cos(a) - xs * np.sin(a)).astype(np.int64)
        hist = np.bincount(rows - rows.min())
        return float(np.sum(hist.astype(np.float64) ** 2))

    coarse = np.arange(-max_deg, max_deg + 1e-9, 0.5)
    best = float(coarse[int(np.argmax([sharpness(d) for d in coarse]))])
    fine = np.arange(best - 0.5, best + 0.5 + 1e-9, 0.1)
    return float(fine[int(np.argmax([sharpness(d) for d in fine]))])
