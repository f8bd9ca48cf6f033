"""A document camera (高拍仪) model: flat renderings in, a JPEG frame of them lying on a desk out.

``shoot`` places one or more rendered documents side by side on a desk texture with perspective, rotation,
a drop shadow, uneven lighting, a glare spot, blur, sensor noise and JPEG compression. Every choice comes from
the seed and the difficulty ("easy" / "medium" / "hard"), so the same call gives the same bytes. Any document
type can be shot (ID cards, contract pages): ``fill`` says how much of its share of the frame it covers.
"""

from __future__ import annotations

import random
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import cv2
import numpy as np
from PIL import Image

DIFFICULTIES = ("easy", "medium", "hard")
FRAME_SIZES = [(1600, 1200), (2048, 1536), (2304, 1728), (2592, 1944)]

Quad = tuple[tuple[float, float], tuple[float, float], tuple[float, float], tuple[float, float]]


@dataclass(frozen=True)
class CameraParams:
    """The ranges one difficulty draws from (uniform between the two ends)."""

    fill: tuple[float, float]  # document size relative to the largest that fits its share of the frame
    tilt_deg: tuple[float, float]  # in-plane rotation, either sign
    quarter_turns: Mapping[int, float]  # 0/1/2/3 quarter turns (counter-clockwise) → probability
    keystone: tuple[float, float]  # corner displacement as a fraction of the document size
    light_gradient: tuple[float, float]  # brightness falloff across the frame
    exposure: tuple[float, float]
    glare_probability: float
    glare_strength: tuple[float, float]  # added brightness at the centre, 0..1 of full scale
    blur_sigma: tuple[float, float]
    motion_blur_probability: float
    noise_sigma: tuple[float, float]
    jpeg_quality: tuple[int, int]


PRESETS: dict[str, CameraParams] = {
    "easy": CameraParams(
        fill=(0.75, 0.95),
        tilt_deg=(0.0, 3.0),
        quarter_turns={0: 1.0},
        keystone=(0.0, 0.015),
        light_gradient=(0.0, 0.08),
        exposure=(0.97, 1.04),
        glare_probability=0.15,
        glare_strength=(0.05, 0.15),
        blur_sigma=(0.0, 0.5),
        motion_blur_probability=0.0,
        noise_sigma=(1.0, 2.5),
        jpeg_quality=(88, 95),
    ),
    "medium": CameraParams(
        fill=(0.6, 0.85),
        tilt_deg=(2.0, 10.0),
        quarter_turns={0: 0.85, 2: 0.15},
        keystone=(0.015, 0.04),
        light_gradient=(0.08, 0.2),
        exposure=(0.88, 1.08),
        glare_probability=0.6,
        glare_strength=(0.15, 0.35),
        blur_sigma=(0.5, 1.0),
        motion_blur_probability=0.1,
        noise_sigma=(2.0, 4.0),
        jpeg_quality=(76, 88),
    ),
    "hard": CameraParams(
        fill=(0.5, 0.75),
        tilt_deg=(5.0, 20.0),
        quarter_turns={0: 0.55, 1: 0.15, 2: 0.15, 3: 0.15},
        keystone=(0.04, 0.08),
        light_gradient=(0.2, 0.35),
        exposure=(0.78, 1.1),
        glare_probability=0.85,
        glare_strength=(0.3, 0.5),
        blur_sigma=(0.9, 1.5),
        motion_blur_probability=0.3,
        noise_sigma=(4.0, 6.5),
        jpeg_quality=(58, 75),
    ),
}


@dataclass(frozen=True)
class Placement:
    """Where one document landed: its upright corners (top-left, top-right, bottom-right, bottom-left) in the
    frame, and how it was turned. The ground truth a localiser is judged against."""

    quad: Quad
    quarter_turns: int
    tilt_deg: float

    def to_dict(self) -> dict:
        return {
            "quad": [[round(x, 1), round(y, 1)] for x, y in self.quad],
            "rotation_deg": (90 * self.quarter_turns + self.tilt_deg) % 360,
        }


@dataclass(frozen=True)
class CameraShot:
    jpeg: bytes
    width: int
    height: int
    placements: tuple[Placement, ...]
    difficulty: str
    settings: Mapping[str, float | str] = field(default_factory=dict)  # the values actually drawn

    def decode(self) -> np.ndarray:
        return cv2.imdecode(np.frombuffer(self.jpeg, np.uint8), cv2.IMREAD_COLOR)


def _u(rng: random.Random, span: tuple[float, float]) -> float:
    return rng.uniform(*span)


# --- desk ---------------------------------------------------------------------------------------------
# Light counter tops, named only (never drawn by chance, so earlier seeds keep their desks): a white base plate,
# light-grey laminate, and a pale patterned surface. A card on them differs from the desk by a few grey levels.
LIGHT_DESKS = ("white", "light_grey", "patterned")


def _light_desk(w: int, h: int, rng: random.Random, kind: str, xx: np.ndarray, yy: np.ndarray) -> np.ndarray:
    if kind == "white":
        return np.full((h, w, 3), rng.randint(232, 248), np.float32) + np.array([rng.uniform(-3, 3), 0, 0], np.float32)
    if kind == "light_grey":
        return np.full((h, w, 3), rng.randint(198, 226), np.float32) + np.array([3, 1, 0], np.float32)
    base = np.full((h, w, 3), rng.randint(215, 240), np.float32)
    style = rng.choice(["grid", "stripes", "marble", "dots"])
    amp = rng.uniform(8, 22)
    if style == "grid":  # a cutting mat or a ruled glass plate
        step = rng.uniform(18, 40)
        lines = ((np.mod(xx, step) < 1.6) | (np.mod(yy, step) < 1.6)).astype(np.float32)
        pattern = -lines
    elif style == "stripes":
        pattern = np.sin((xx + yy * rng.uniform(-1, 1)) / rng.uniform(4, 12)) * 0.5
    elif style == "dots":
        step = rng.uniform(14, 30)
        pattern = -((np.hypot(np.mod(xx, step) - step / 2, np.mod(yy, step) - step / 2) < step / 6).astype(np.float32))
    else:  # marble veins
        nrng = np.random.default_rng(rng.getrandbits(32))
        field = cv2.resize(nrng.normal(0, 1, (h // 48 + 2, w // 48 + 2)).astype(np.float32), (w, h))
        pattern = -np.exp(-((np.sin(xx / 70.0 + 4 * field)) ** 2) * 40)
    tint = np.array([rng.uniform(-6, 2), rng.uniform(-3, 3), rng.uniform(-2, 6)], np.float32)
    return base + amp * pattern[..., None] + tint


def desk_texture(w: int, h: int, rng: random.Random, kind: str | None = None) -> np.ndarray:
    """A BGR float32 desk: wood grain, grey laminate, woven cloth, or the dark/light pad of a document camera;
    or one of ``LIGHT_DESKS`` when named."""
    kind = kind or rng.choice(["wood", "grey", "cloth", "dark_pad", "light_pad"])
    nrng = np.random.default_rng(rng.getrandbits(32))
    yy, xx = (a.astype(np.float32) for a in np.ogrid[0:h, 0:w])
    if kind in LIGHT_DESKS:
        tex = _light_desk(w, h, rng, kind, xx, yy)
    elif kind == "wood":
        base = np.array([rng.randint(60, 90), rng.randint(100, 130), rng.randint(140, 175)], np.float32)
        warp = cv2.resize(nrng.normal(0, 1, (h // 64 + 2, w // 64 + 2)).astype(np.float32), (w, h))
        grain = np.sin((yy + 25 * warp) / rng.uniform(6, 14)) * 0.5 + 0.5
        tex = base * (0.8 + 0.25 * grain[..., None])
    elif kind == "cloth":
        base = np.array([rng.randint(90, 160), rng.randint(60, 120), rng.randint(40, 90)], np.float32)
        weave = (np.sin(xx * 0.7) * np.sin(yy * 0.7)) * 0.5 + 0.5
        tex = base * (0.9 + 0.12 * weave[..., None])
    elif kind == "dark_pad":
        tex = np.full((h, w, 3), rng.randint(25, 55), np.float32)
    elif kind == "light_pad":
        tex = np.full((h, w, 3), rng.randint(185, 215), np.float32) + np.array([0, 2, 6], np.float32)
    else:
        tex = np.full((h, w, 3), rng.randint(110, 160), np.float32)
    blotch = cv2.resize(nrng.normal(0, 1, (h // 128 + 2, w // 128 + 2)).astype(np.float32), (w, h))
    tex = tex * (1 + 0.04 * blotch[..., None]) + nrng.normal(0, 2, (h, w, 1)).astype(np.float32)
    return tex


# --- geometry -----------------------------------------------------------------------------------------
def _turn_point(x: float, y: float, w: int, h: int, k: int) -> tuple[float, float]:
    """Where (x, y) of a w×h image lands after ``np.rot90(img, k)`` (counter-clockwise quarter turns)."""
    for _ in range(k % 4):
        x, y, w, h = y, w - x, h, w
    return x, y


def _layout_cells(n: int, w: int, h: int) -> list[tuple[float, float, float, float]]:
    """Side by side, as a clerk lays the two sides of a card under the camera."""
    return [(w * i / n, 0.0, w * (i + 1) / n, float(h)) for i in range(n)]


def _place(
    doc: np.ndarray,
    alpha: np.ndarray,
    cell,
    p: CameraParams,
    rng: random.Random,
    frame: tuple[int, int],
    fill: tuple[float, float],
    min_long_side: int,
) -> tuple[np.ndarray, np.ndarray, Placement]:
    h0, w0 = doc.shape[:2]
    k = rng.choices(list(p.quarter_turns), weights=list(p.quarter_turns.values()))[0]
    doc, alpha = np.rot90(doc, k), np.rot90(alpha, k)
    h1, w1 = doc.shape[:2]
    cx0, cy0, cx1, cy1 = cell
    tilt = _u(rng, p.tilt_deg) * rng.choice((-1, 1))
    keystone = _u(rng, p.keystone)
    # Scale so the tilted, keystoned document still fits its cell; ``fill`` then leaves room to move it.
    c, s_ = abs(np.cos(np.radians(tilt))), abs(np.sin(np.radians(tilt)))
    bw, bh = w1 * c + h1 * s_, w1 * s_ + h1 * c
    fit = min((cx1 - cx0) / bw, (cy1 - cy0) / bh) / (1 + 2 * keystone) * 0.96
    scale = min(max(fit * _u(rng, fill), min_long_side / max(w1, h1)), fit)
    sw, sh = max(int(w1 * scale), 8), max(int(h1 * scale), 8)
    doc = cv2.resize(np.ascontiguousarray(doc), (sw, sh), interpolation=cv2.INTER_AREA)
    alpha = cv2.resize(np.ascontiguousarray(alpha), (sw, sh), interpolation=cv2.INTER_AREA)

    slack_x = max((cx1 - cx0) - (sw * c + sh * s_), 0) / 2
    slack_y = max((cy1 - cy0) - (sw * s_ + sh * c), 0) / 2
    centre = np.array(
        [(cx0 + cx1) / 2 + rng.uniform(-slack_x, slack_x), (cy0 + cy1) / 2 + rng.uniform(-slack_y, slack_y)]
    )
    rot = cv2.getRotationMatrix2D((0, 0), tilt, 1.0)[:, :2]
    src = np.array([[0, 0], [sw, 0], [sw, sh], [0, sh]], np.float32)
    dst = (src - [sw / 2, sh / 2]) @ rot.T + centre
    ks = keystone * max(sw, sh)
    dst = dst + np.array([[rng.uniform(-ks, ks), rng.uniform(-ks, ks)] for _ in range(4)])
    # Keep the whole document inside its cell: tilt and keystone must not push a corner out of the frame.
    margin = 0.02 * min(cx1 - cx0, cy1 - cy0)
    lo, hi = dst.min(axis=0), dst.max(axis=0)
    dst += np.maximum([cx0 + margin, cy0 + margin] - lo, 0) - np.maximum(hi - [cx1 - margin, cy1 - margin], 0)
    dst = dst.astype(np.float32)
    m = cv2.getPerspectiveTransform(src, dst)
    fw, fh = frame
    warped = cv2.warpPerspective(doc, m, (fw, fh), flags=cv2.INTER_LINEAR, borderValue=0)
    warped_alpha = cv2.warpPerspective(alpha, m, (fw, fh), flags=cv2.INTER_LINEAR, borderValue=0)

    # The upright document's corners, carried through the quarter turn, the resize and the warp.
    upright = [_turn_point(x, y, w0, h0, k) for x, y in ((0, 0), (w0, 0), (w0, h0), (0, h0))]
    pts = np.array([[[x * sw / w1, y * sh / h1] for x, y in upright]], np.float32)
    quad = tuple((float(x), float(y)) for x, y in cv2.perspectiveTransform(pts, m)[0])
    return warped, warped_alpha, Placement(quad, k, round(tilt, 2))  # type: ignore[arg-type]


# --- optics and sensor ----------------------------------------------------------------------------------
def _lighting(img: np.ndarray, p: CameraParams, rng: random.Random, log: dict, quads: Sequence[Quad]) -> np.ndarray:
    """Light falls off across the frame and towards the corners; an LED may leave a glare spot. All smooth, so the
    maps are computed at 1/8 scale and enlarged."""
    h, w = img.shape[:2]
    sh, sw = h // 8 + 1, w // 8 + 1
    yy, xx = np.ogrid[0:sh, 0:sw]
    yy, xx = yy.astype(np.float32) * 8, xx.astype(np.float32) * 8
    angle = rng.uniform(0, 2 * np.pi)
    ramp = ((xx - w / 2) * np.cos(angle) + (yy - h / 2) * np.sin(angle)) / max(w, h)
    gradient = _u(rng, p.light_gradient)
    vignette = 1 - 0.12 * (((xx - w / 2) / w) ** 2 + ((yy - h / 2) / h) ** 2)
    exposure = _u(rng, p.exposure)
    gain = cv2.resize(((1 - gradient * ramp) * vignette * exposure).astype(np.float32), (w, h))
    tint = np.array([rng.uniform(0.95, 1.03), 1.0, rng.uniform(0.97, 1.05)], np.float32)  # warm/cool LEDs
    img = img * gain[..., None] * tint
    log.update(exposure=round(exposure, 3), light_gradient=round(gradient, 3))
    if rng.random() < p.glare_probability:
        strength = _u(rng, p.glare_strength)
        if quads and rng.random() < 0.75:  # the LED reflects off the glossy card, seldom off a matte desk
            q = np.array(rng.choice(list(quads)))
            t = rng.uniform(0.15, 0.85), rng.uniform(0.15, 0.85)
            top, bottom = q[0] + (q[1] - q[0]) * t[0], q[3] + (q[2] - q[3]) * t[0]
            gx, gy = top + (bottom - top) * t[1]
        else:
            gx, gy = rng.uniform(0.2, 0.8) * w, rng.uniform(0.2, 0.8) * h
        radius = rng.uniform(0.05, 0.12) * max(w, h)
        blob = np.exp(-(((xx - gx) / radius) ** 2 + ((yy - gy) / (radius * rng.uniform(0.5, 1.0))) ** 2))
        img = img + cv2.resize((255 * strength * blob).astype(np.float32), (w, h))[..., None]
        log.update(glare_strength=round(strength, 3), glare_x=round(float(gx)), glare_y=round(float(gy)))
    return img


def _optics(img: np.ndarray, p: CameraParams, rng: random.Random, log: dict) -> np.ndarray:
    sigma = _u(rng, p.blur_sigma)
    if sigma > 0.05:
        img = cv2.GaussianBlur(img, (0, 0), sigma)
    if rng.random() < p.motion_blur_probability:
        length = rng.randint(3, 7)
        kernel = np.zeros((length, length), np.float32)
        kernel[length // 2, :] = 1.0 / length
        m = cv2.getRotationMatrix2D((length / 2 - 0.5, length / 2 - 0.5), rng.uniform(0, 180), 1.0)
        kernel = cv2.warpAffine(kernel, m, (length, length))
        img = cv2.filter2D(img, -1, kernel / max(kernel.sum(), 1e-6))
        log.update(motion_blur_px=length)
    noise = _u(rng, p.noise_sigma)
    nrng = np.random.default_rng(rng.getrandbits(32))
    img = img + nrng.normal(0, noise, (*img.shape[:2], 1)).astype(np.float32)  # luminance noise
    log.update(blur_sigma=round(sigma, 3), noise_sigma=round(noise, 3))
    return img


def shoot(
    documents: Sequence[Image.Image],
    *,
    seed: int,
    difficulty: str,
    masks: Sequence[Image.Image | None] | None = None,
    frame_size: tuple[int, int] | None = None,
    desk: str | None = None,
    fill: tuple[float, float] | None = None,
    jpeg_quality: int | None = None,
    min_long_side: int = 0,
    shadow: float = 0.35,
) -> CameraShot:
    """Photographs ``documents`` (RGB renderings, optional L masks for their outline) lying side by side.

    ``fill`` overrides the difficulty's range for how much of its share of the frame each document covers
    (an ID card lies small under a camera framed for A4; a contract page fills it). ``frame_size`` and
    ``jpeg_quality`` pin what the difficulty would draw (small committed samples). ``min_long_side`` keeps a
    document at least that many pixels long where it fits: the camera's resolution sets how many pixels a
    millimetre of card gets, and below some density no reader, human or OCR, can read it. ``shadow`` is how much
    the drop shadow darkens the desk (diffuse light from above casts almost none)."""
    if difficulty not in PRESETS:
        raise ValueError(f"difficulty must be one of {DIFFICULTIES}, not {difficulty!r}")
    p = PRESETS[difficulty]
    rng = random.Random(seed)
    fw, fh = frame_size or rng.choice(FRAME_SIZES)
    log: dict = {}
    frame = desk_texture(fw, fh, rng, desk)
    placements = []
    masks = list(masks or [None] * len(documents))
    for doc, mask, cell in zip(documents, masks, _layout_cells(len(documents), fw, fh), strict=True):
        rgb = np.asarray(doc.convert("RGB"))[..., ::-1]  # BGR like the rest of the project
        alpha = np.asarray(mask) if mask is not None else np.full(rgb.shape[:2], 255, np.uint8)
        warped, a, placement = _place(rgb, alpha, cell, p, rng, (fw, fh), fill or p.fill, min_long_side)
        af = a.astype(np.float32)[..., None] / 255.0
        shadow_map = cv2.GaussianBlur(af, (0, 0), max(fw, fh) / 300)
        shift = np.float32([[1, 0, fw / 250], [0, 1, fh / 200]])
        shadow_map = cv2.warpAffine(shadow_map, shift, (fw, fh))[..., None]
        frame = frame * (1 - shadow * shadow_map)
        frame = frame * (1 - af) + warped.astype(np.float32) * af
        placements.append(placement)
    frame = _lighting(frame, p, rng, log, [pl.quad for pl in placements])
    frame = _optics(frame, p, rng, log)
    quality = rng.randint(*p.jpeg_quality)  # drawn even when overridden, so the other draws stay the same
    quality = jpeg_quality or quality
    ok, buf = cv2.imencode(".jpg", np.clip(frame, 0, 255).astype(np.uint8), [cv2.IMWRITE_JPEG_QUALITY, quality])
    assert ok, "OpenCV failed to encode a JPEG"
    log.update(jpeg_quality=quality)
    return CameraShot(buf.tobytes(), fw, fh, tuple(placements), difficulty, log)
