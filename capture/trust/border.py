"""Border incomplete: part of the card outside the frame, or its edge covered.

Capture already knows how much of the document lies beyond the frame (``outside_fraction``, from the outline
it found). A covered edge is judged on the card itself: the share of the card's outer 2.5 mm band that a thick
skin-coloured or dark blob (occlusion.py's masks) reaches into.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np

from capture.trust.canvas import ramp


def features(masks: tuple[np.ndarray, np.ndarray], metrics: Mapping[str, float]) -> dict[str, float]:
    skin, dark = masks
    covered = skin | dark
    band = np.zeros_like(covered)
    band[:25, :] = band[-25:, :] = True
    band[:, :25] = band[:, -25:] = True
    return {"edge_covered": float(covered[band].mean()), "outside": float(metrics.get("outside_fraction", 0.0))}


def score(f: dict[str, float]) -> float:
    # An edge dark nearly all round is a frame (a screen's bezel, a crop that took in the desk), not a cover.
    covered = ramp(f["edge_covered"], 0.006, 0.02) if f["edge_covered"] < 0.5 else 0.0
    return max(covered, ramp(f["outside"], 0.01, 0.05))
