"""Photocopies of a flat card rendering: grey or colour, in several toner and paper looks.

A copier lights the card, thresholds its pale security print towards paper white, renders what is left with
toner (dots of a halftone screen or a grainy solid), and prints on paper a little larger than the card. Each
look below is one such machine; ``HELD_OUT`` looks are never used to tune the cues (bench/trust.py).
"""

from __future__ import annotations

import random

import cv2
import numpy as np
from PIL import Image, ImageDraw

# look → (grey, halftone cell px or 0, contrast gain, toner grain sigma, saturation kept for colour copies)
LOOKS: dict[str, tuple[bool, int, float, float, float]] = {
    "grey_laser": (True, 0, 1.5, 6.0, 0.0),
    "grey_toner": (True, 0, 1.9, 12.0, 0.0),
    "grey_halftone": (True, 6, 1.4, 4.0, 0.0),
    "colour_washed": (False, 0, 1.5, 6.0, 0.45),
    "colour_halftone": (False, 7, 1.4, 5.0, 0.6),
    # held out of tuning
    "grey_faded": (True, 0, 1.2, 8.0, 0.0),
    "colour_inkjet": (False, 5, 1.3, 3.0, 0.7),
}
HELD_OUT = ("grey_faded", "colour_inkjet")


def _halftone(channel: np.ndarray, cell: int, angle_deg: float) -> np.ndarray:
    """An amplitude-modulated dot screen: each cell's ink as a dot whose area follows the darkness."""
    h, w = channel.shape
    yy, xx = np.mgrid[0:h, 0:w].astype(np.float32)
    a = np.radians(angle_deg)
    u = (xx * np.cos(a) + yy * np.sin(a)) / cell
    v = (-xx * np.sin(a) + yy * np.cos(a)) / cell
    # Distance to the nearest screen point, 0 at the dot's centre and ~0.7 at the cell's corner.
    d = np.hypot(u - np.round(u), v - np.round(v))
    darkness = 1.0 - channel / 255.0
    radius = np.sqrt(darkness / np.pi)  # dot area ∝ darkness
    ink = np.clip((radius - d) * cell * 1.5 + 0.5, 0, 1)  # anti-aliased dot edge
    return 255.0 * (1.0 - ink)


def photocopy(card: Image.Image, look: str, rng: random.Random) -> tuple[Image.Image, Image.Image]:
    """The copy (RGB, on its paper) and the paper's outline mask."""
    grey, cell, gain, grain, keep = LOOKS[look]
    rgb = np.asarray(card.convert("RGB")).astype(np.float32)
    lum = rgb @ np.array([0.299, 0.587, 0.114], np.float32)
    # A colour copy keeps only part of the colour (washed out).
    img = np.repeat(lum[..., None], 3, axis=2) if grey else lum[..., None] + keep * (rgb - lum[..., None])
    # The copier's tone curve: pale print goes to paper white, ink gets darker.
    white = rng.uniform(0.86, 0.93) * 255
    img = np.clip((img - white) * gain + 255, 0, 255)
    if cell:
        angle = rng.uniform(10, 80)
        img = np.stack([_halftone(img[..., c], cell, angle + 15 * c * (not grey)) for c in range(3)], axis=2)
        img = cv2.GaussianBlur(img, (0, 0), 0.6)
    nrng = np.random.default_rng(rng.getrandbits(32))
    toner = nrng.normal(0, grain, img.shape[:2]).astype(np.float32)
    toner = cv2.GaussianBlur(toner, (0, 0), 0.8) * (img.mean(axis=2) < 235)  # toner grain where there is ink
    img = img + toner[..., None]
    paper_tone = np.array([rng.uniform(243, 252), rng.uniform(243, 252), rng.uniform(240, 250)], np.float32)
    img = np.minimum(img, 255) * (paper_tone / 255.0)
    # Paper a few millimetres larger than the card (16 px/mm), or cut to the card's edge.
    margin = rng.choice([0, 0, rng.randint(30, 90)])
    h, w = img.shape[:2]
    sheet = np.empty((h + 2 * margin, w + 2 * margin, 3), np.float32)
    sheet[:] = paper_tone
    sheet[margin : margin + h, margin : margin + w] = img
    if margin:
        # The copied card's own edge: the copier sees its shadow as a thin grey line.
        cv2.rectangle(sheet, (margin, margin), (margin + w - 1, margin + h - 1), (120, 120, 120), 3)
    out = Image.fromarray(np.clip(sheet, 0, 255).astype(np.uint8), "RGB")
    mask = Image.new("L", out.size, 0)
    ImageDraw.Draw(mask).rectangle((0, 0, out.size[0] - 1, out.size[1] - 1), fill=255)
    return out, mask
