"""Card corners: an ID card (ID-1) has corners rounded to a 3.2 mm radius; a copy printed on paper has square ones.

Once capture has rectified the card, the little triangle beyond each rounded corner shows the desk, while the
card's edge right beside the corner, at the same depth, is card. On a copy (cut to the card's size or on a
larger sheet) both are the same paper. ``gap``: the colour difference (Lab) between the two, the median over
the four corners (one corner may be under a finger or a glare spot).
"""

from __future__ import annotations

import cv2
import numpy as np

from capture.trust.canvas import PX_PER_MM

RADIUS_MM = 3.2


def gap(bgr: np.ndarray) -> float:
    lab = cv2.cvtColor(bgr, cv2.COLOR_BGR2LAB).astype(np.float32)
    r = round(RADIUS_MM * PX_PER_MM)
    yy, xx = np.mgrid[0:r, 0:r]
    # Beyond the arc by a few pixels, and off the crop's outermost rows (a loose crop's sliver of desk).
    beyond = (np.hypot(xx - r + 0.5, yy - r + 0.5) > r + 2.5) & (np.minimum(xx, yy) >= 2)
    gaps = []
    for flip_y in (False, True):
        for flip_x in (False, True):
            c = lab[::-1] if flip_y else lab
            c = c[:, ::-1] if flip_x else c
            corner = np.median(c[:r, :r][beyond], axis=0)
            # The edge beside the corner at the same depth, along both sides.
            edge = np.concatenate(
                [c[2:10, r + 4 : 2 * r + 16].reshape(-1, 3), c[r + 4 : 2 * r + 16, 2:10].reshape(-1, 3)]
            )
            gaps.append(float(np.linalg.norm(corner - np.median(edge, axis=0))))
    return float(np.median(gaps))
