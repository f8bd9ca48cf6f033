"""Text-line recognition around a CTC model, as PP-OCR's rec models expect it: each detected quadrilateral cut out
upright, resized to 48 px high keeping its aspect, normalised to [-1, 1] and padded on the right; the T×C
probabilities decoded greedily (blank 0, repeats merged), with the recogniser's alternatives per character.

Lines are recognised in batches sorted by width, so a batch pads little: on a GPU the batch is large, and the
padding then costs less than the launches it saves.
"""

from __future__ import annotations

import math
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

import cv2
import numpy as np

from extractors.engines.ctc_candidates import MIN_PROBABILITY, TOP_K

REC_HEIGHT = 48
MIN_WIDTH = 320  # the model's nominal input width: narrower lines are padded up to it
MAX_WIDTH = 3200  # a longer line is squeezed, not cut
MAX_PAD = 1.25  # most a line is padded, relative to its own width, to share a batch


def crop_line(image: np.ndarray, quad: np.ndarray) -> np.ndarray:
    """The line under ``quad`` (clockwise from top-left), warped upright; turned when it stands on end."""
    w = int(max(np.linalg.norm(quad[0] - quad[1]), np.linalg.norm(quad[2] - quad[3])))
    h = int(max(np.linalg.norm(quad[0] - quad[3]), np.linalg.norm(quad[1] - quad[2])))
    w, h = max(w, 1), max(h, 1)
    target = np.array([[0, 0], [w, 0], [w, h], [0, h]], dtype=np.float32)
    matrix = cv2.getPerspectiveTransform(quad.astype(np.float32), target)
    crop = cv2.warpPerspective(image, matrix, (w, h), borderMode=cv2.BORDER_REPLICATE, flags=cv2.INTER_CUBIC)
    if h / w >= 1.5:
        crop = np.rot90(crop)
    return crop


def _width_for(crop: np.ndarray) -> int:
    h, w = crop.shape[:2]
    return min(MAX_WIDTH, math.ceil(REC_HEIGHT * w / max(h, 1)))


def batches(crops: Sequence[np.ndarray], size: int) -> Iterator[tuple[list[int], np.ndarray]]:
    """(indices, NCHW batch) over the crops sorted by width; each batch padded to its widest line, and closed
    early rather than pad a line past ``MAX_PAD`` times its own width (padding shifts what a CTC model reads)."""
    widths = [_width_for(c) for c in crops]
    order = sorted(range(len(crops)), key=widths.__getitem__)
    groups: list[list[int]] = []
    for i in order:
        if groups and len(groups[-1]) < size and widths[i] <= MAX_PAD * max(MIN_WIDTH, widths[groups[-1][0]]):
            groups[-1].append(i)
        else:
            groups.append([i])
    for idx in groups:
        width = max(MIN_WIDTH, widths[idx[-1]])
        batch = np.zeros((len(idx), 3, REC_HEIGHT, width), dtype=np.float32)
        for n, i in enumerate(idx):
            resized = cv2.resize(crops[i], (widths[i], REC_HEIGHT)).astype(np.float32)
            batch[n, :, :, : widths[i]] = (resized / 255.0 - 0.5).transpose(2, 0, 1) / 0.5
        yield idx, batch


@dataclass(frozen=True)
class Decoded:
    text: str
    score: float
    candidates: tuple | None


# The best classes kept per frame: the recogniser's output is T×18710 per line, and only its top few are ever read.
# One more than the candidates, since the blank may be among them.
FRAME_TOP = TOP_K + 1


def top_classes(probs: np.ndarray, k: int = FRAME_TOP) -> tuple[np.ndarray, np.ndarray]:
    """(values, indices) of the ``k`` best classes of every frame, best first: N×T×k each."""
    idx = np.argpartition(-probs, k, axis=-1)[..., :k]
    vals = np.take_along_axis(probs, idx, axis=-1)
    order = np.argsort(-vals, axis=-1, kind="stable")
    return np.take_along_axis(vals, order, axis=-1), np.take_along_axis(idx, order, axis=-1)


def ctc_decode(values: np.ndarray, indices: np.ndarray, characters: Sequence[str]) -> Decoded:
    """Greedy CTC over one line's best classes per frame (T×k, best first; class 0 is the blank), with the
    candidates of ``extractors.engines.ctc_candidates``: the best non-blank classes at each character's
    strongest frame."""
    best, best_p = indices[:, 0], values[:, 0]
    starts = np.flatnonzero(np.r_[True, best[1:] != best[:-1]])  # every run of one class, blanks included
    ends = np.r_[starts[1:], len(best)]
    emitted = [(t0, t1) for t0, t1 in zip(starts, ends, strict=True) if best[t0] != 0]
    text = "".join(characters[best[t0]] for t0, _ in emitted)
    score = float(np.mean([best_p[t0:t1].max() for t0, t1 in emitted])) if emitted else 0.0
    out = []
    for n, (t0, t1) in enumerate(emitted):
        peak = t0 + int(best_p[t0:t1].argmax())
        picked = tuple(
            (characters[c], round(float(p), 4))
            for c, p in zip(indices[peak], values[peak], strict=True)
            if c != 0 and p >= MIN_PROBABILITY
        )[:TOP_K]
        if not picked or picked[0][0] != text[n]:
            return Decoded(text, score, None)
        out.append(picked)
    return Decoded(text, score, tuple(out))
