"""A card shown on a phone or monitor screen, to be photographed by the camera model.

The card image is resampled to the screen's pixels (``pitch``: screen pixels across the card's width), each
screen pixel drawn as red, green and blue sub-pixel stripes with a dark gap, in the display's bluish white
point, with raised blacks, behind glass that catches a soft reflection; a phone or monitor bezel frames it.
Drawn large (``SUB`` image pixels per screen pixel) so the camera's own resampling makes the grid visible or
beats it into moiré, as a real sensor does.
"""

from __future__ import annotations

import random

import cv2
import numpy as np
from PIL import Image, ImageDraw

# variant → (device, screen pixels across the card, sub-pixel size in image px)
VARIANTS: dict[str, tuple[str, int, int]] = {
    "phone_fine": ("phone", 520, 3),
    "phone_coarse": ("phone", 360, 4),
    "monitor_coarse": ("monitor", 300, 5),
    "monitor_fine": ("monitor", 460, 3),
    # held out of tuning
    "phone_mid": ("phone", 420, 4),
    "monitor_mid": ("monitor", 380, 4),
}
HELD_OUT = ("phone_mid", "monitor_mid")


def on_screen(card: Image.Image, variant: str, rng: random.Random) -> tuple[Image.Image, Image.Image]:
    """The screen and its bezel (RGB) and the device's outline mask."""
    device, pitch, sub = VARIANTS[variant]
    pitch = int(pitch * rng.uniform(0.9, 1.1))
    rgb = np.asarray(card.convert("RGB")).astype(np.float32)
    h0, w0 = rgb.shape[:2]
    ph = round(pitch * h0 / w0)
    pixels = cv2.resize(rgb, (pitch, ph), interpolation=cv2.INTER_AREA)
    # Emitted light: a cool white point, blacks that glow.
    white = np.array([rng.uniform(0.86, 0.95), rng.uniform(0.95, 1.0), 1.0], np.float32)  # R, G, B
    black = rng.uniform(14, 30)
    pixels = black + pixels * white * (255 - black) / 255
    # Each screen pixel: 3 vertical stripes (R, G, B) of ``sub`` image px and a dark row gap.
    cell = 3 * sub
    big = np.repeat(np.repeat(pixels, cell, axis=0), cell, axis=1)
    stripe = np.zeros((cell, cell, 3), np.float32)
    for c in range(3):
        stripe[:, c * sub : (c + 1) * sub, c] = 1.0
    stripe = stripe * 2.4 + 0.18  # sub-pixels glow beyond their stripe a little
    stripe[-max(1, sub // 2) :, :, :] *= 0.35  # the gap between pixel rows
    big = big * np.tile(stripe, (ph, pitch, 1))
    big = np.clip(big, 0, 255)
    # A soft reflection on the glass.
    hh, ww = big.shape[:2]
    yy, xx = np.ogrid[0:hh, 0:ww]
    gx, gy, r = rng.uniform(0.2, 0.8) * ww, rng.uniform(0.2, 0.8) * hh, rng.uniform(0.2, 0.5) * ww
    big = np.clip(big + rng.uniform(10, 35) * np.exp(-(((xx - gx) ** 2 + (yy - gy) ** 2) / r**2))[..., None], 0, 255)
    # Bezel: thin on phones, thicker on monitors; black glass.
    bezel = round(ww * (rng.uniform(0.025, 0.05) if device == "phone" else rng.uniform(0.04, 0.08)))
    out = np.full((hh + 2 * bezel, ww + 2 * bezel, 3), rng.uniform(8, 24), np.float32)
    out[bezel : bezel + hh, bezel : bezel + ww] = big
    img = Image.fromarray(out.astype(np.uint8), "RGB")
    mask = Image.new("L", img.size, 0)
    radius = bezel * (2.0 if device == "phone" else 0.3)
    ImageDraw.Draw(mask).rounded_rectangle((0, 0, img.size[0] - 1, img.size[1] - 1), radius=radius, fill=255)
    return img, mask
