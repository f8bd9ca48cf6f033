"""Real-world scenes for ID cards, beyond the document camera on a dark pad: light counter tops, phone photos and
A4 photocopy scans, each with the ground truth per card side.

* ``desk_white`` / ``desk_light_grey`` / ``desk_patterned``: the counter camera over a white base plate, light-grey
  laminate or a pale patterned top; the card differs from the desk by a few grey levels and casts little shadow.
* ``phone``: a phone photo at 1–3 megapixels, the card filling much of the frame, on a light or ordinary desk.
* ``a4_grey`` / ``a4_colour`` (``…_stamped``): an A4 page scanned at 200–300 dpi holding a photocopy of one or two
  card sides (side by side or one above the other, each laid by hand a little askew), the whole page turned by
  0/90/180/270°, the grey ones saved as single-channel images; stamped ones carry a 仅供…使用 stamp across
  each card, as bank loan packages do.

``make_scene(kind, index, seed=...)`` is deterministic: the same arguments give the same bytes.
"""

from __future__ import annotations

import random
from dataclasses import dataclass

import cv2
import numpy as np
from PIL import Image, ImageDraw

from samples.generator.camera import _turn_point, shoot
from samples.generator.fonts import font
from samples.generator.idcard import DOC_TYPE, back_fields, front_fields
from samples.generator.idcard_render import (
    CARD_MM,
    CardStyle,
    render_back,
    render_front,
    rounded_alpha,
)
from samples.generator.identities import make_person

DESK_KINDS = ("desk_white", "desk_light_grey", "desk_patterned")
A4_KINDS = ("a4_grey", "a4_grey_stamped", "a4_colour", "a4_colour_stamped")
SCENE_KINDS = (*DESK_KINDS, "phone", *A4_KINDS)
# Rules are tuned on these; the rest are held out and reported apart (bench/scenes.py).
TUNED_KINDS = ("desk_white", "desk_light_grey", "phone", "a4_grey")
HELD_OUT_KINDS = tuple(k for k in SCENE_KINDS if k not in TUNED_KINDS)

PHONE_FRAMES = [(1152, 864), (1280, 960), (1600, 1200), (2000, 1500)]  # 1.0, 1.2, 1.9, 3.0 MP
A4_MM = (210.0, 297.0)
STAMPS = ("仅供办理住房公积金贷款使用", "仅供XX银行个人贷款使用", "仅供公积金提取使用", "此复印件仅供本次业务使用")


@dataclass(frozen=True)
class SceneDoc:
    doc_type: str
    fields: dict
    quad: tuple  # the card's upright corners (top-left, top-right, bottom-right, bottom-left) in the image


@dataclass(frozen=True)
class Scene:
    name: str
    kind: str
    data: bytes  # the file as uploaded (JPEG or PNG)
    width: int
    height: int
    docs: tuple[SceneDoc, ...]
    variant: dict  # what was drawn: sides, rotation, dpi, layout, ...

    def truth(self) -> dict:
        """In the shape samples.generator.idcard_eval.Tally scores (``difficulty`` is the scene kind)."""
        return {
            "file": self.name,
            "difficulty": self.kind,
            "variant": self.variant,
            "documents": [
                {"doc_type": d.doc_type, "fields": d.fields, "quad": [[round(x, 1), round(y, 1)] for x, y in d.quad]}
                for d in self.docs
            ],
        }


def scene_seed(seed: int, kind: str, index: int) -> int:
    return random.Random(f"scene:{seed}:{kind}:{index}").getrandbits(48)


def _cards(rng: random.Random, sides: tuple[str, ...]):
    person = make_person(rng)
    style = CardStyle.draw(rng)
    images = [render_front(person, style, rng) if s == "front" else render_back(person, style) for s in sides]
    fields = [front_fields(person) if s == "front" else back_fields(person) for s in sides]
    return images, fields


def _sides(rng: random.Random, both_share: float) -> tuple[str, ...]:
    return ("front", "back") if rng.random() < both_share else (rng.choice(("front", "back")),)


# --- light desks and phones -----------------------------------------------------------------------------------
def _desk_scene(kind: str, index: int, rng: random.Random, pin: dict) -> Scene:
    sides = pin.get("sides") or _sides(rng, 0.3)
    images, fields = _cards(rng, sides)
    masks = [rounded_alpha(img.size) for img in images]
    pair = len(images) > 1
    if kind == "phone":
        w, h = rng.choice(PHONE_FRAMES)
        if rng.random() < 0.4 and not pair:
            w, h = h, w  # held upright
        desk = rng.choice(("white", "light_grey", "patterned", "wood", "grey"))
        shot = shoot(
            images,
            seed=rng.getrandbits(32),
            difficulty=rng.choice(("easy", "medium")),
            masks=masks,
            frame_size=(w, h),
            desk=desk,
            fill=(0.85, 0.97) if pair else (0.7, 0.95),
            shadow=rng.uniform(0.0, 0.3),
        )
        variant = {"sides": list(sides), "frame": [w, h], "desk": desk, "megapixels": round(w * h / 1e6, 1)}
    else:
        desk = kind.removeprefix("desk_")
        difficulty = rng.choice(("easy", "medium"))
        shot = shoot(
            images,
            seed=rng.getrandbits(32),
            difficulty=difficulty,
            masks=masks,
            desk=desk,
            fill=(0.85, 0.97) if pair else (0.55, 0.75),
            min_long_side=900 if difficulty == "easy" else 720,
            shadow=rng.uniform(0.0, 0.15),
        )
        variant = {"sides": list(sides), "frame": [shot.width, shot.height], "difficulty": difficulty}
    docs = tuple(SceneDoc(DOC_TYPE[s], f, p.quad) for s, f, p in zip(sides, fields, shot.placements, strict=True))
    return Scene(f"scene_{index:04d}_{kind}.jpg", kind, shot.jpeg, shot.width, shot.height, docs, variant)


# --- A4 photocopies -------------------------------------------------------------------------------------------
def _copied(card: Image.Image, rng: random.Random, *, grey: bool, paper: float) -> np.ndarray:
    """A card as a copier prints it (float32 RGB): toner darkens mid-tones, the pale print fades toward the paper,
    colour (on a colour copy) loses saturation."""
    rgb = np.asarray(card.convert("RGB")).astype(np.float32) / 255.0
    if rng.random() < 0.6:
        # Background suppression: the copier prints the card's pale security print as bare paper, so only the
        # text, portrait and emblem show, and the card's outline is gone.
        white = rng.uniform(0.80, 0.90)
        rgb = np.clip(rgb / white, 0, 1)
    gamma = rng.uniform(1.2, 1.9)
    if grey:
        g = rgb @ np.array([0.299, 0.587, 0.114], np.float32)
        out = np.repeat((g**gamma)[..., None], 3, axis=2)
    else:
        lum = rgb @ np.array([0.299, 0.587, 0.114], np.float32)
        sat = rng.uniform(0.45, 0.85)
        out = (lum[..., None] + sat * (rgb - lum[..., None])) ** gamma
        out *= np.array([rng.uniform(0.96, 1.02), 1.0, rng.uniform(0.96, 1.04)], np.float32)
    return np.clip(out * paper, 0, 255)


def _stamp(size: tuple[int, int], rng: random.Random, px_per_mm: float) -> tuple[np.ndarray, np.ndarray]:
    """A 仅供…使用 stamp: its ink colour layer and alpha (float32 0..1), card-sized, drawn across the middle."""
    w, h = size
    layer = Image.new("L", (w, h), 0)
    d = ImageDraw.Draw(layer)
    text = rng.choice(STAMPS)
    fnt = font(rng.choice(("sans", "sans_bold", "serif")), round(rng.uniform(3.6, 5.0) * px_per_mm))
    tw = fnt.getlength(text)
    x, y = (w - tw) / 2 + rng.uniform(-0.1, 0.1) * w, h * rng.uniform(0.35, 0.6)
    d.text((x, y), text, font=fnt, fill=255)
    if rng.random() < 0.5:  # a frame round the words, as on a rubber stamp
        pad = 0.8 * px_per_mm
        d.rectangle(
            (x - pad, y - pad, x + tw + pad, y + fnt.size * 1.25 + pad), outline=255, width=max(2, round(px_per_mm / 3))
        )
    angle = rng.uniform(-25, 25)
    layer = layer.rotate(angle, resample=Image.BILINEAR, center=(w / 2, h / 2))
    alpha = np.asarray(layer).astype(np.float32) / 255.0 * rng.uniform(0.55, 0.8)
    return alpha, np.array([200, 35, 40], np.float32)


def _a4_scene(kind: str, index: int, rng: random.Random, pin: dict) -> Scene:
    grey = kind.startswith("a4_grey")
    stamped = kind.endswith("_stamped")
    drawn = _sides(rng, 0.75)
    sides = pin.get("sides") or drawn
    images, fields = _cards(rng, sides)
    dpi = rng.choice((200, 240, 300))
    u = dpi / 25.4  # px per mm
    pw, ph = round(A4_MM[0] * u), round(A4_MM[1] * u)
    paper = rng.uniform(205, 238) if grey else rng.uniform(232, 250)
    page = np.full((ph, pw, 3), paper, np.float32)
    cw, ch = round(CARD_MM[0] * u), round(CARD_MM[1] * u)
    layout = "side_by_side" if len(images) > 1 and rng.random() < 0.5 else "stacked"
    layout = pin.get("layout", layout)
    gap = rng.uniform(8, 20) if layout == "side_by_side" else rng.uniform(15, 45)
    if layout == "side_by_side":
        left = (A4_MM[0] - 2 * CARD_MM[0] - gap) / 2 + rng.uniform(-4, 4)
        top = rng.uniform(25, 90)
        spots = [(left, top), (left + CARD_MM[0] + gap, top + rng.uniform(-3, 3))]
    else:
        left = (A4_MM[0] - CARD_MM[0]) / 2 + rng.uniform(-25, 25)
        top = rng.uniform(25, 70)
        spots = [(left + rng.uniform(-6, 6), top + i * (CARD_MM[1] + gap)) for i in range(len(images))]
    quads = []
    for img, (x_mm, y_mm) in zip(images, spots, strict=True):
        card = img.resize((cw, ch), Image.LANCZOS)
        rgb = _copied(card, rng, grey=grey, paper=paper)
        alpha = np.asarray(rounded_alpha((cw, ch))).astype(np.float32) / 255.0
        if stamped:
            s_alpha, ink = _stamp((cw, ch), rng, u)
            ink_c = np.full(3, ink @ np.array([0.299, 0.587, 0.114], np.float32)) if grey else ink
            rgb = rgb * (1 - s_alpha[..., None]) + ink_c * s_alpha[..., None]
        edge = np.zeros((ch, cw), np.float32)
        if rng.random() < 0.4:  # the card's rim sometimes copies as a faint line
            e = Image.new("L", (cw, ch), 0)
            ImageDraw.Draw(e).rounded_rectangle((0, 0, cw - 1, ch - 1), radius=round(3.2 * u), outline=255, width=2)
            edge = np.asarray(e).astype(np.float32) / 255.0 * rng.uniform(0.2, 0.5)
        rgb = rgb * (1 - edge[..., None]) + 90.0 * edge[..., None]
        tilt = rng.uniform(-1.5, 1.5)
        cx, cy = (x_mm + CARD_MM[0] / 2) * u, (y_mm + CARD_MM[1] / 2) * u
        m = cv2.getRotationMatrix2D((cw / 2, ch / 2), tilt, 1.0)
        m[:, 2] += (cx - cw / 2, cy - ch / 2)
        warped = cv2.warpAffine(rgb, m, (pw, ph), flags=cv2.INTER_LINEAR)
        a = cv2.warpAffine(alpha, m, (pw, ph), flags=cv2.INTER_LINEAR)[..., None]
        page = page * (1 - a) + warped * a
        corners = np.array([[0, 0], [cw, 0], [cw, ch], [0, ch]], np.float64)
        quads.append([tuple(map(float, m @ np.array([x, y, 1.0]))) for x, y in corners])
    # Scanner: a little blur, sensor noise and toner specks.
    nrng = np.random.default_rng(rng.getrandbits(32))
    page = cv2.GaussianBlur(page, (0, 0), rng.uniform(0.4, 0.9))
    page += nrng.normal(0, rng.uniform(1.5, 4.0), (ph, pw, 1)).astype(np.float32)
    specks = nrng.random((ph, pw)) < rng.uniform(0.0002, 0.001)
    page[specks] *= 0.4
    k = rng.randrange(4)
    k = pin["rotation_deg"] // 90 % 4 if "rotation_deg" in pin else k
    out = np.ascontiguousarray(np.rot90(np.clip(page, 0, 255).astype(np.uint8), k))
    quads = [[_turn_point(x, y, pw, ph, k) for x, y in q] for q in quads]
    bgr = out[..., ::-1]
    image = cv2.cvtColor(bgr, cv2.COLOR_BGR2GRAY) if grey else bgr
    png = rng.random() < 0.4
    if png:
        ok, buf = cv2.imencode(".png", image)
    else:
        ok, buf = cv2.imencode(".jpg", image, [cv2.IMWRITE_JPEG_QUALITY, rng.randint(80, 95)])
    assert ok, "OpenCV failed to encode the scan"
    docs = tuple(SceneDoc(DOC_TYPE[s], f, tuple(q)) for s, f, q in zip(sides, fields, quads, strict=True))
    variant = {
        "sides": list(sides),
        "dpi": dpi,
        "layout": layout if len(images) > 1 else "single",
        "rotation_deg": 90 * k,
        "stamped": stamped,
        "format": "png" if png else "jpeg",
    }
    ext = "png" if png else "jpg"
    h, w = image.shape[:2]
    return Scene(f"scene_{index:04d}_{kind}.{ext}", kind, buf.tobytes(), w, h, docs, variant)


def make_scene(kind: str, index: int, *, seed: int = 0, **pin) -> Scene:
    """Scene ``index`` of ``kind`` (one of SCENE_KINDS). ``pin`` fixes what would be drawn (tests): ``sides``
    (a tuple of "front"/"back"), and on A4 ``layout`` ("side_by_side"/"stacked") and ``rotation_deg``."""
    if kind not in SCENE_KINDS:
        raise ValueError(f"kind must be one of {SCENE_KINDS}, not {kind!r}")
    rng = random.Random(scene_seed(seed, kind, index))
    if kind in A4_KINDS:
        return _a4_scene(kind, index, rng, pin)
    return _desk_scene(kind, index, rng, pin)


# --- ``python -m samples.generator scenes`` ----------------------------------------------------------------------
def add_arguments(p) -> None:
    from pathlib import Path

    p.add_argument("--out", type=Path, required=True, help="output folder (created)")
    p.add_argument("--count", type=int, default=4, help="scenes per kind")
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--kinds", default=",".join(SCENE_KINDS), help="comma-separated, from " + ",".join(SCENE_KINDS))


def run(args) -> int:
    import json

    kinds = [k.strip() for k in args.kinds.split(",") if k.strip()]
    if args.count < 1 or not kinds or set(kinds) - set(SCENE_KINDS):
        raise SystemExit(f"bad arguments: --count ≥ 1 and --kinds from {','.join(SCENE_KINDS)}")
    args.out.mkdir(parents=True, exist_ok=True)
    truth = []
    for kind in kinds:
        for i in range(args.count):
            scene = make_scene(kind, i, seed=args.seed)
            (args.out / scene.name).write_bytes(scene.data)
            truth.append(scene.truth())
    doc = {"generator": "samples.generator scenes", "seed": args.seed, "scenes": truth}
    (args.out / "ground_truth.json").write_text(json.dumps(doc, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    print(json.dumps({"out": str(args.out), "scenes": len(truth), "seed": args.seed}))
    return 0
