"""Text detection around a DB (Differentiable Binarization) model, as PP-OCR's det models expect it: pages resized
so their longest side is at most ``limit_side_len`` and both sides are multiples of 32, normalised with ImageNet's
mean and std in BGR order; the probability map binarised, each region's minimum-area rectangle scored against the
map, grown by ``unclip_ratio`` (DB's shrink is undone) and scaled back to the page.

Several pages go through the model as one batch: each is padded at its bottom and right to the batch's largest
size, and each page's map is cut back to its own size before the boxes are found.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import cv2
import numpy as np

MEAN = np.array([0.485, 0.456, 0.406], dtype=np.float32)
STD = np.array([0.229, 0.224, 0.225], dtype=np.float32)


@dataclass(frozen=True)
class DetParams:
    limit_side_len: int = 960
    thresh: float = 0.3
    box_thresh: float = 0.6
    unclip_ratio: float = 1.5
    max_candidates: int = 1000
    min_size: float = 3.0


@dataclass(frozen=True)
class DetInput:
    """One page ready for the detector: a CHW float32 array and the page's original size."""

    chw: np.ndarray
    src_h: int
    src_w: int


def det_input(image: np.ndarray, params: DetParams) -> DetInput:
    h, w = image.shape[:2]
    ratio = min(1.0, params.limit_side_len / max(h, w))
    rh = max(round(int(h * ratio) / 32) * 32, 32)
    rw = max(round(int(w * ratio) / 32) * 32, 32)
    resized = image if (rh, rw) == (h, w) else cv2.resize(image, (rw, rh))
    normed = (resized.astype(np.float32) / 255.0 - MEAN) / STD
    return DetInput(np.ascontiguousarray(normed.transpose(2, 0, 1)), h, w)


def stack_padded(inputs: list[DetInput]) -> np.ndarray:
    """One NCHW batch, each page padded with zeros (the mean colour after normalisation) to the largest."""
    hmax = max(i.chw.shape[1] for i in inputs)
    wmax = max(i.chw.shape[2] for i in inputs)
    batch = np.zeros((len(inputs), 3, hmax, wmax), dtype=np.float32)
    for n, i in enumerate(inputs):
        batch[n, :, : i.chw.shape[1], : i.chw.shape[2]] = i.chw
    return batch


def _mini_box(points: np.ndarray) -> tuple[np.ndarray, float]:
    """The minimum-area rectangle's corners, clockwise from top-left, and its shorter side."""
    rect = cv2.minAreaRect(points.reshape(-1, 1, 2).astype(np.float32))
    corners = sorted(cv2.boxPoints(rect).tolist(), key=lambda p: p[0])
    left = sorted(corners[:2], key=lambda p: p[1])
    right = sorted(corners[2:], key=lambda p: p[1])
    box = np.array([left[0], right[0], right[1], left[1]], dtype=np.float32)
    return box, float(min(rect[1]))


def _box_score(prob: np.ndarray, box: np.ndarray) -> float:
    """Mean probability inside the box (over its bounding window)."""
    h, w = prob.shape
    xmin = int(np.clip(math.floor(box[:, 0].min()), 0, w - 1))
    xmax = int(np.clip(math.ceil(box[:, 0].max()), 0, w - 1))
    ymin = int(np.clip(math.floor(box[:, 1].min()), 0, h - 1))
    ymax = int(np.clip(math.ceil(box[:, 1].max()), 0, h - 1))
    mask = np.zeros((ymax - ymin + 1, xmax - xmin + 1), dtype=np.uint8)
    shifted = box - np.array([xmin, ymin], dtype=np.float32)
    cv2.fillPoly(mask, shifted.reshape(1, -1, 2).astype(np.int32), 1)
    return float(cv2.mean(prob[ymin : ymax + 1, xmin : xmax + 1], mask)[0])


def _unclip(box: np.ndarray, ratio: float) -> np.ndarray | None:
    import pyclipper

    area = cv2.contourArea(box)
    length = cv2.arcLength(box, True)
    if length <= 0:
        return None
    offset = pyclipper.PyclipperOffset()
    offset.AddPath(box.astype(np.int64).tolist(), pyclipper.JT_ROUND, pyclipper.ET_CLOSEDPOLYGON)
    grown = offset.Execute(area * ratio / length)
    if len(grown) != 1:
        return None
    return np.asarray(grown[0], dtype=np.float32)


def boxes_from_map(prob: np.ndarray, src_h: int, src_w: int, params: DetParams) -> list[tuple[np.ndarray, float]]:
    """Quadrilaterals (4×2, page pixels) with their scores from one page's probability map (H×W, model size)."""
    h, w = prob.shape
    bitmap = (prob > params.thresh).astype(np.uint8) * 255
    contours, _ = cv2.findContours(bitmap, cv2.RETR_LIST, cv2.CHAIN_APPROX_SIMPLE)
    sx, sy = src_w / w, src_h / h
    out = []
    for contour in contours[: params.max_candidates]:
        box, short = _mini_box(contour)
        if short < params.min_size:
            continue
        score = _box_score(prob, box)
        if score < params.box_thresh:
            continue
        grown = _unclip(box, params.unclip_ratio)
        if grown is None:
            continue
        box, short = _mini_box(grown)
        if short < params.min_size + 2:
            continue
        box[:, 0] = np.clip(np.round(box[:, 0] * sx), 0, src_w)
        box[:, 1] = np.clip(np.round(box[:, 1] * sy), 0, src_h)
        out.append((box, score))
    return out


def page_boxes(prob: np.ndarray, page: DetInput, params: DetParams) -> list[tuple[np.ndarray, float]]:
    """Boxes of one page of a batch: its map (H×W, batch size) cut back to the page's own model size first."""
    return boxes_from_map(prob[: page.chw.shape[1], : page.chw.shape[2]], page.src_h, page.src_w, params)
