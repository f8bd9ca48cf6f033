"""The region of a page handed to the recogniser for one detected text line.

The detector's box fits a line's ink closely when the page is detected at a high resolution relative to its text
(a rectified contract page: lines of ~22 px); PP-OCR's recogniser scales every line to 48 px high, so a tight box
makes each character about 48 columns wide, and recognition time grows with the columns. A box a little taller
than the ink (text at about two-thirds of the line's height, as in a whole camera frame detected at the same
limit) is read as well or better and costs fewer columns (docs/speed.md)."""

from __future__ import annotations

import numpy as np


def taller_quad(quad: np.ndarray, scale: float, width: int, height: int) -> np.ndarray:
    """``quad`` (clockwise from top-left) grown ``scale`` times across the line, about its centre line, and kept
    inside a ``width`` × ``height`` image. A line standing on end grows across its short side too."""
    q = np.asarray(quad, dtype=np.float32).reshape(4, 2)
    if scale == 1.0:
        return q
    down = ((q[3] + q[2]) - (q[0] + q[1])) / 2  # top edge to bottom edge
    right = ((q[1] + q[2]) - (q[0] + q[3])) / 2  # left edge to right edge
    out = q.copy()
    if np.linalg.norm(down) <= np.linalg.norm(right):
        shift = down * (scale - 1.0) / 2
        out[[0, 1]] -= shift
        out[[2, 3]] += shift
    else:
        shift = right * (scale - 1.0) / 2
        out[[0, 3]] -= shift
        out[[1, 2]] += shift
    out[:, 0] = np.clip(out[:, 0], 0, width - 1)
    out[:, 1] = np.clip(out[:, 1], 0, height - 1)
    return out
