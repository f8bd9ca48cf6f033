"""Camera frames of ID cards that are not what they seem, each with the warning docintel should raise.

``make_frame(index, seed=, difficulty=, kind=, variant=)`` renders one invented person's card, changes it the
way ``kind`` says (``original`` leaves it alone), and shoots it with the camera model at that difficulty:

- ``photocopy``: a grey or colour copy in one of several toner/paper looks (photocopy.py);
- ``screen_recapture``: the card on a phone or monitor screen (screen.py);
- ``tampered``: a field re-typed in a near font, a pasted block, a wrong check digit (tamper.py);
- ``occluded``: a fingertip, pen or coin over a field (cover.py);
- ``border_incomplete``: a corner covered, or part of the card outside the frame.

Every kind lists its variants and which of them are held out of tuning (bench/trust.py reports them apart).
The same arguments give the same bytes.
"""

from __future__ import annotations

import random
from dataclasses import dataclass

import cv2
import numpy as np
from PIL import Image

from samples.generator.attacks import cover, photocopy, screen, tamper
from samples.generator.camera import CameraShot, Placement, shoot
from samples.generator.idcard import CARD_FILL, CARD_MIN_PX
from samples.generator.idcard_render import CardStyle, render_back, render_front, rounded_alpha
from samples.generator.identities import Person, make_person

VARIANTS: dict[str, tuple[str, ...]] = {
    "original": ("front", "back"),
    "photocopy": tuple(photocopy.LOOKS),
    "screen_recapture": tuple(screen.VARIANTS),
    "tampered": tamper.VARIANTS,
    "occluded": ("finger", "pen", "coin"),
    "border_incomplete": ("finger_corner", "dark_object_corner", "outside_frame"),
}
HELD_OUT: dict[str, tuple[str, ...]] = {
    "original": (),
    "photocopy": photocopy.HELD_OUT,
    "screen_recapture": screen.HELD_OUT,
    "tampered": tamper.HELD_OUT,
    "occluded": ("coin",),
    "border_incomplete": ("dark_object_corner",),
}
KINDS = tuple(VARIANTS)


@dataclass(frozen=True)
class AttackFrame:
    kind: str
    variant: str
    side: str  # front / back
    difficulty: str
    person: Person  # the person the card shows (a wrong check digit shows in id_number)
    shot: CameraShot

    @property
    def held_out(self) -> bool:
        return self.variant in HELD_OUT[self.kind]


def _cut_frame(shot: CameraShot, rng: random.Random) -> CameraShot:
    """The frame cropped so that 8-25 % of the card's width lies beyond one side."""
    img = shot.decode()
    q = np.array(shot.placements[0].quad)
    x0, y0 = q.min(axis=0)
    x1, y1 = q.max(axis=0)
    share = rng.uniform(0.08, 0.25)
    side = rng.choice("lrtb")
    if side == "l":
        img = img[:, int(x0 + share * (x1 - x0)) :]
    elif side == "r":
        img = img[:, : int(x1 - share * (x1 - x0))]
    elif side == "t":
        img = img[int(y0 + share * (y1 - y0)) :, :]
    else:
        img = img[: int(y1 - share * (y1 - y0)), :]
    ok, buf = cv2.imencode(".jpg", img, [cv2.IMWRITE_JPEG_QUALITY, int(shot.settings.get("jpeg_quality", 85))])
    assert ok
    placement = Placement(shot.placements[0].quad, shot.placements[0].quarter_turns, shot.placements[0].tilt_deg)
    return CameraShot(buf.tobytes(), img.shape[1], img.shape[0], (placement,), shot.difficulty, dict(shot.settings))


def frame_seed(seed: int, kind: str, index: int) -> int:
    return random.Random(f"trust:{seed}:{kind}:{index}").getrandbits(48)


def make_frame(index: int, *, seed: int, difficulty: str, kind: str, variant: str) -> AttackFrame:
    if kind not in VARIANTS or variant not in VARIANTS[kind]:
        raise ValueError(f"unknown attack {kind}/{variant}")
    rng = random.Random(frame_seed(seed, kind, index))
    person = make_person(rng)
    style = CardStyle.draw(rng)
    side = (
        "back"
        if (kind == "original" and variant == "back")
        or (kind in ("photocopy", "screen_recapture") and rng.random() < 0.3)
        else "front"
    )
    card = render_front(person, style, rng) if side == "front" else render_back(person, style)
    mask: Image.Image = rounded_alpha(card.size)
    if kind == "photocopy":
        card, mask = photocopy.photocopy(card, variant, rng)
    elif kind == "screen_recapture":
        card, mask = screen.on_screen(card, variant, rng)
    elif kind == "tampered":
        card, person = tamper.tampered_front(person, style, variant, rng)
    elif kind == "occluded" or (kind == "border_incomplete" and variant != "outside_frame"):
        card = cover.covered(card, variant, rng)
    min_px = CARD_MIN_PX[difficulty]
    if kind == "screen_recapture":
        min_px = int(min_px * card.size[0] / (card.size[0] * 0.9))  # the screen shows the card a little inset
    shot = shoot(
        [card],
        seed=rng.getrandbits(32),
        difficulty=difficulty,
        masks=[mask],
        fill=CARD_FILL[difficulty],
        min_long_side=min_px,
    )
    if variant == "outside_frame":
        shot = _cut_frame(shot, rng)
    return AttackFrame(kind, variant, side, difficulty, person, shot)
