"""Small synthetic camera frames for the capture tests: a card or page drawn with PIL, warped onto a desk.

Every scene knows where the document's corners are (the sharp corners the sides would meet at, as on a
card with rounded corners), so localisation can be scored in pixels. Effects are applied in the order a
camera would: lighting on the scene, then glare, then lens blur, then noise, then JPEG.
"""

from __future__ import annotations

import io
import math
import random
from dataclasses import dataclass, field

import cv2
import numpy as np
from PIL import Image, ImageDraw, ImageFont

SANS = "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc"
CARD_MM = (85.6, 54.0)
A4_MM = (210.0, 297.0)

_WORDS = "住房公积金提取申请人身份证号码有效期限签发机关购房合同出卖人买受人房屋坐落建筑面积总价款签订日期"


def _font(size: int) -> ImageFont.FreeTypeFont:
    return ImageFont.truetype(SANS, size, index=2)


def _text(rng: random.Random, n: int) -> str:
    return "".join(rng.choice(_WORDS) for _ in range(n))


def draw_card(rng: random.Random, px_per_mm: float = 12.0, *, back: bool = False) -> np.ndarray:
    """A pale ID-card-like face (BGR): tinted pattern, left-aligned dark lines, a photo box on the right."""
    w, h = round(CARD_MM[0] * px_per_mm), round(CARD_MM[1] * px_per_mm)
    yy, xx = np.mgrid[0:h, 0:w].astype(np.float32)
    tint = np.array([rng.randint(232, 246), rng.randint(236, 248), rng.randint(236, 248)], np.float32)
    img = np.empty((h, w, 3), np.float32)
    img[:] = tint
    img += (np.sin(xx / 17.0 + 2 * np.sin(yy / 41.0)) * 5.0)[..., None]
    pil = Image.fromarray(np.clip(img, 0, 255).astype(np.uint8))
    d = ImageDraw.Draw(pil)
    u = px_per_mm
    if back:
        d.ellipse([5 * u, 5 * u, 18 * u, 18 * u], outline=(40, 40, 170), width=max(2, round(u / 3)))
        d.text((26 * u, 6 * u), "中华人民共和国", fill=(20, 20, 20), font=_font(round(5 * u)))
        d.text((30 * u, 14 * u), "居民身份证", fill=(20, 20, 20), font=_font(round(6.5 * u)))
        d.text((14 * u, 34 * u), "签发机关  " + _text(rng, 8), fill=(25, 25, 25), font=_font(round(3.2 * u)))
        d.text((14 * u, 42 * u), "有效期限  2016.05.01-2036.05.01", fill=(25, 25, 25), font=_font(round(3.2 * u)))
    else:
        lines = [("姓名", 3), ("性别", 1), ("出生", 6), ("住址", 11), ("", 10)]
        y = 6 * u
        for label, n in lines:
            d.text(
                (6 * u, y),
                (label + "  " if label else "      ") + _text(rng, n),
                fill=(20, 20, 20),
                font=_font(round(3.4 * u)),
            )
            y += 6.5 * u
        d.text(
            (20 * u, 45 * u),
            "".join(str(rng.randint(0, 9)) for _ in range(18)),
            fill=(10, 10, 10),
            font=_font(round(4 * u)),
        )
        d.rectangle([58 * u, 8 * u, 80 * u, 36 * u], fill=(150, 150, 160))
        d.ellipse([63 * u, 12 * u, 75 * u, 26 * u], fill=(90, 80, 80))
    return cv2.cvtColor(np.asarray(pil), cv2.COLOR_RGB2BGR)


def draw_page(rng: random.Random, px_per_mm: float = 5.0) -> np.ndarray:
    """A white A4 page of left-aligned contract-like lines (BGR)."""
    w, h = round(A4_MM[0] * px_per_mm), round(A4_MM[1] * px_per_mm)
    pil = Image.new("RGB", (w, h), (rng.randint(238, 250),) * 3)
    d = ImageDraw.Draw(pil)
    u = px_per_mm
    d.text((70 * u, 20 * u), "商品房买卖合同", fill=(0, 0, 0), font=_font(round(8 * u)))
    y = 40 * u
    while y < h - 25 * u:
        n = rng.randint(8, 30)
        d.text((25 * u, y), _text(rng, n), fill=(15, 15, 15), font=_font(round(4.2 * u)))
        y += 7 * u
    return cv2.cvtColor(np.asarray(pil), cv2.COLOR_RGB2BGR)


def desk(rng: random.Random, size: tuple[int, int], kind: str) -> np.ndarray:
    """A desk background (BGR float32): dark solid, wood grain, speckled fabric or a light grey mat."""
    w, h = size
    yy, xx = np.mgrid[0:h, 0:w].astype(np.float32)
    if kind == "wood":
        base = np.array([40, 80, 130], np.float32) * rng.uniform(0.7, 1.1)
        grain = np.sin((yy + 14 * np.sin(xx / 97.0)) / rng.uniform(3.0, 6.0)) * 12 + np.sin(yy / 31.0) * 10
        img = base + grain[..., None]
    elif kind == "fabric":
        base = np.array([rng.randint(60, 110), rng.randint(50, 90), rng.randint(40, 80)], np.float32)
        noise = cv2.GaussianBlur(
            np.random.default_rng(rng.randint(0, 2**31)).normal(0, 25, (h, w)).astype(np.float32), (0, 0), 1.5
        )
        img = base + noise[..., None]
    elif kind == "grey":
        img = np.full((h, w, 3), rng.randint(120, 160), np.float32)
    else:  # dark solid
        img = np.full((h, w, 3), [rng.randint(20, 60), rng.randint(20, 60), rng.randint(20, 60)], np.float32)
    return img


@dataclass
class Scene:
    frame: np.ndarray  # BGR uint8
    corners: list[np.ndarray] = field(default_factory=list)  # per document, (4, 2) tl, tr, br, bl in frame px


def place(
    doc_size: tuple[float, float],
    centre: tuple[float, float],
    width_px: float,
    angle_deg: float,
    tilt: float,
    rng: random.Random,
) -> np.ndarray:
    """Corners (tl, tr, br, bl) of a document ``width_px`` wide, turned by ``angle_deg``, with up to ``tilt`` of
    relative perspective jitter at each corner."""
    aspect = doc_size[1] / doc_size[0]
    hw, hh = width_px / 2, width_px * aspect / 2
    pts = np.array([[-hw, -hh], [hw, -hh], [hw, hh], [-hw, hh]], np.float64)
    pts += np.array([[rng.uniform(-tilt, tilt) * hw, rng.uniform(-tilt, tilt) * hh] for _ in range(4)])
    a = math.radians(angle_deg)
    rot = np.array([[math.cos(a), -math.sin(a)], [math.sin(a), math.cos(a)]])
    return (pts @ rot.T + np.array(centre)).astype(np.float32)


def compose(
    docs: list[tuple[np.ndarray, np.ndarray]],
    *,
    size: tuple[int, int] = (1600, 1200),
    desk_kind: str = "dark",
    rng: random.Random,
    gradient: float = 0.0,
    exposure: float = 1.0,
    glare: float = 0.0,
    glare_at: tuple[float, float] | None = None,
    blur: float = 0.0,
    noise: float = 2.0,
    jpeg: int | None = 88,
    corner_radius_mm: float = 3.2,
) -> Scene:
    """Warps each (document image, target corners) onto a desk and photographs the result."""
    w, h = size
    img = desk(rng, size, desk_kind)
    ss = 2  # supersampled mask for anti-aliased edges
    coverage = np.zeros((h, w, 1), np.float32)  # where documents are: glossy, so glare shows there
    for doc, quad in docs:
        dh, dw = doc.shape[:2]
        src = np.array([[0, 0], [dw, 0], [dw, dh], [0, dh]], np.float32)
        m = cv2.getPerspectiveTransform(src, quad)
        warped = cv2.warpPerspective(doc, m, (w, h), flags=cv2.INTER_AREA if dw > w / 2 else cv2.INTER_LINEAR)
        mask = np.zeros((dh * ss, dw * ss), np.uint8)
        r = round(corner_radius_mm * dw / CARD_MM[0] * ss) if dw / dh > 1.3 else 2
        cv2.rectangle(mask, (r, 0), (dw * ss - r, dh * ss), 255, -1)
        cv2.rectangle(mask, (0, r), (dw * ss, dh * ss - r), 255, -1)
        for cx, cy in [(r, r), (dw * ss - r, r), (dw * ss - r, dh * ss - r), (r, dh * ss - r)]:
            cv2.circle(mask, (cx, cy), r, 255, -1)
        ms = cv2.getPerspectiveTransform(src * ss, quad)
        alpha = cv2.warpPerspective(mask, ms, (w, h), flags=cv2.INTER_LINEAR).astype(np.float32)[..., None] / 255
        img = img * (1 - alpha) + warped.astype(np.float32) * alpha
        coverage = np.maximum(coverage, alpha)
    yy, xx = np.mgrid[0:h, 0:w].astype(np.float32)
    if gradient:
        ang = rng.uniform(0, 2 * math.pi)
        ramp = ((xx - w / 2) * math.cos(ang) + (yy - h / 2) * math.sin(ang)) / max(w, h)
        img *= (1 + gradient * ramp)[..., None]
    img *= exposure
    if glare:
        gx, gy = glare_at or (rng.uniform(0.3, 0.7) * w, rng.uniform(0.3, 0.7) * h)
        sigma = 0.06 * max(w, h)
        blob = np.exp(-((xx - gx) ** 2 + (yy - gy) ** 2) / (2 * sigma**2))
        # Specular: strong on the laminated card, a faint spill on the matte desk.
        img += (glare * 255 * blob)[..., None] * (0.25 + 0.75 * coverage)
    if blur:
        img = cv2.GaussianBlur(img, (0, 0), blur)
    if noise:
        img += np.random.default_rng(rng.randint(0, 2**31)).normal(0, noise, img.shape).astype(np.float32)
    frame = np.clip(img, 0, 255).astype(np.uint8)
    if jpeg:
        _, enc = cv2.imencode(".jpg", frame, [cv2.IMWRITE_JPEG_QUALITY, jpeg])
        frame = cv2.imdecode(enc, cv2.IMREAD_COLOR)
    return Scene(frame=frame, corners=[q for _, q in docs])


def card_scene(seed: int, **effects) -> Scene:
    """One card at a random pose on a random desk; ``effects`` override compose()'s defaults."""
    rng = random.Random(seed)
    size = effects.pop("size", (1600, 1200))
    width = effects.pop("card_width", rng.uniform(0.45, 0.7) * size[0])
    angle = effects.pop("angle", rng.uniform(-12, 12))
    centre = effects.pop("centre", (size[0] * rng.uniform(0.42, 0.58), size[1] * rng.uniform(0.42, 0.58)))
    tilt = effects.pop("tilt", 0.06)
    back = effects.pop("back", False)
    effects.setdefault("desk_kind", rng.choice(["dark", "wood", "fabric", "grey"]))
    quad = place(CARD_MM, centre, width, angle, tilt, rng)
    return compose([(draw_card(rng, back=back), quad)], size=size, rng=rng, **effects)


def encode(img: np.ndarray, fmt: str = "JPEG", **params) -> bytes:
    buf = io.BytesIO()
    Image.fromarray(cv2.cvtColor(img, cv2.COLOR_BGR2RGB)).save(buf, fmt, **params)
    return buf.getvalue()
