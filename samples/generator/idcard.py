"""Camera captures of fake ID cards with ground truth: ``python -m samples.generator idcards --out DIR``.

Each capture is one JPEG frame from the document-camera model (``camera.shoot``) holding the front, the back,
or both sides of one invented person's card next to each other. ``ground_truth.json`` lists, per frame, the
difficulty, the camera settings drawn, and per document its type, the field values as docintel should return
them, and the card's corners in the frame. The same seed gives the same files, byte for byte.
"""

from __future__ import annotations

import argparse
import json
import random
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from samples.generator.camera import DIFFICULTIES, CameraShot, shoot
from samples.generator.idcard_render import CardStyle, render_back, render_front, rounded_alpha
from samples.generator.identities import Person, make_person

GROUND_TRUTH = "ground_truth.json"
FORMAT_VERSION = 1

# How much of its share of the frame a card covers: a camera framed for A4 sees a card small.
CARD_FILL = {"easy": (0.55, 0.75), "medium": (0.45, 0.65), "hard": (0.4, 0.58)}
PAIR_FILL = {"easy": (0.85, 0.97), "medium": (0.82, 0.95), "hard": (0.8, 0.92)}
# Pixels along the card's 85.6 mm: about 10.5, 8.4 and 7 px/mm. A 2-megapixel camera framed for A4 gives ~5 px/mm,
# where 3 mm address characters blur into each other; counters use 5-megapixel cameras or an ID-card mode.
CARD_MIN_PX = {"easy": 900, "medium": 720, "hard": 600}

SIDES = {"front": ("front",), "back": ("back",), "both": ("front", "back")}
DOC_TYPE = {"front": "id_card_front", "back": "id_card_back"}


def front_fields(person: Person) -> dict[str, str]:
    return {
        "name": person.name,
        "sex": person.sex,
        "ethnicity": person.ethnicity,
        "birth_date": person.birth_date.isoformat(),
        "address": person.address,
        "id_number": person.id_number,
    }


def back_fields(person: Person) -> dict[str, str]:
    return {
        "issuing_authority": person.issuing_authority,
        "valid_from": person.valid_from.isoformat(),
        "valid_until": person.valid_until_text,
    }


@dataclass(frozen=True)
class IdCardCapture:
    file_name: str
    seed: int
    sides: tuple[str, ...]
    person: Person
    shot: CameraShot

    def ground_truth(self) -> dict:
        docs = []
        for side, placement in zip(self.sides, self.shot.placements, strict=True):
            fields = front_fields(self.person) if side == "front" else back_fields(self.person)
            docs.append({"doc_type": DOC_TYPE[side], "fields": fields, **placement.to_dict()})
        return {
            "file": self.file_name,
            "difficulty": self.shot.difficulty,
            "seed": self.seed,
            "frame": {"width": self.shot.width, "height": self.shot.height},
            "camera": dict(self.shot.settings),
            "documents": docs,
        }


def capture_seed(seed: int, index: int) -> int:
    """Independent per-frame seeds, so frame 7 is the same whether 10 or 100 frames are generated."""
    return random.Random(f"idcard:{seed}:{index}").getrandbits(48)


def make_capture(
    index: int,
    *,
    seed: int,
    difficulty: str,
    sides: str = "front",
    frame_size: tuple[int, int] | None = None,
    jpeg_quality: int | None = None,
) -> IdCardCapture:
    if sides not in SIDES:
        raise ValueError(f"sides must be one of {sorted(SIDES)}, not {sides!r}")
    s = capture_seed(seed, index)
    rng = random.Random(s)
    person = make_person(rng)
    style = CardStyle.draw(rng)
    images = [
        render_front(person, style, rng) if side == "front" else render_back(person, style) for side in SIDES[sides]
    ]
    masks = [rounded_alpha(img.size) for img in images]
    fill = (PAIR_FILL if len(images) > 1 else CARD_FILL)[difficulty]
    shot = shoot(
        images,
        seed=rng.getrandbits(32),
        difficulty=difficulty,
        masks=masks,
        fill=fill,
        frame_size=frame_size,
        jpeg_quality=jpeg_quality,
        min_long_side=CARD_MIN_PX[difficulty],
    )
    name = f"idcard_{index:04d}_{difficulty}_{sides}.jpg"
    return IdCardCapture(name, s, SIDES[sides], person, shot)


def plan(count: int, difficulties: Sequence[str] = DIFFICULTIES, *, pair_every: int = 8) -> list[tuple[str, str]]:
    """(difficulty, sides) per frame: difficulties in turn, fronts and backs alternating, every
    ``pair_every``-th frame both sides side by side."""
    out = []
    for i in range(count):
        sides = (
            "both"
            if pair_every and i % pair_every == pair_every - 1
            else ("front", "back")[(i // len(difficulties)) % 2]
        )
        out.append((difficulties[i % len(difficulties)], sides))
    return out


def generate_set(
    out_dir: Path,
    *,
    count: int,
    seed: int,
    difficulties: Sequence[str] = DIFFICULTIES,
    pair_every: int = 8,
    frame_size: tuple[int, int] | None = None,
    jpeg_quality: int | None = None,
) -> dict:
    """Writes ``count`` JPEG frames and ``ground_truth.json`` into ``out_dir``; returns the ground truth."""
    out_dir.mkdir(parents=True, exist_ok=True)
    captures = []
    for i, (difficulty, sides) in enumerate(plan(count, difficulties, pair_every=pair_every)):
        cap = make_capture(
            i, seed=seed, difficulty=difficulty, sides=sides, frame_size=frame_size, jpeg_quality=jpeg_quality
        )
        (out_dir / cap.file_name).write_bytes(cap.shot.jpeg)
        captures.append(cap.ground_truth())
    truth = {
        "generator": "samples.generator idcards",
        "format_version": FORMAT_VERSION,
        "seed": seed,
        "count": count,
        "difficulties": list(difficulties),
        "pair_every": pair_every,
        "frame_size": list(frame_size) if frame_size else None,
        "jpeg_quality": jpeg_quality,
        "note": "fake identities: names, addresses and ID numbers are invented (valid GB 11643 check digits)",
        "captures": captures,
    }
    (out_dir / GROUND_TRUTH).write_text(json.dumps(truth, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    return truth


# --- ``python -m samples.generator idcards`` ------------------------------------------------------------
def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("--out", type=Path, required=True, help="output folder (created)")
    p.add_argument("--count", type=int, default=12)
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--difficulty", default=",".join(DIFFICULTIES), help="comma-separated: easy,medium,hard")
    p.add_argument("--pair-every", type=int, default=8, help="every Nth frame shows both sides (0: never)")
    p.add_argument("--frame-size", default=None, help="WxH for every frame (default: drawn per frame)")
    p.add_argument("--jpeg-quality", type=int, default=None, help="JPEG quality for every frame (default: drawn)")


def run(args: argparse.Namespace) -> int:
    difficulties = [d.strip() for d in args.difficulty.split(",") if d.strip()]
    unknown = sorted(set(difficulties) - set(DIFFICULTIES))
    if unknown or not difficulties or args.count < 1:
        raise SystemExit(f"bad arguments: --count ≥ 1 and --difficulty from {','.join(DIFFICULTIES)}")
    frame_size = None
    if args.frame_size:
        w, _, h = args.frame_size.lower().partition("x")
        if not (w.isdigit() and h.isdigit()):
            raise SystemExit("bad arguments: --frame-size is WxH, e.g. 1600x1200")
        frame_size = (int(w), int(h))
    truth = generate_set(
        args.out,
        count=args.count,
        seed=args.seed,
        difficulties=difficulties,
        pair_every=args.pair_every,
        frame_size=frame_size,
        jpeg_quality=args.jpeg_quality,
    )
    print(json.dumps({"out": str(args.out), "captures": len(truth["captures"]), "seed": args.seed}))
    return 0
