"""Document localisation: corner error in pixels against synthetic scenes whose corners are known, and
against the project's own ID-card capture generator."""

from __future__ import annotations

import random

import numpy as np
import pytest
from capture_scenes import A4_MM, CARD_MM, card_scene, compose, draw_card, draw_page, place

from capture.geometry import order_corners, shape_of
from capture.locate import find_documents


def corner_error(found: np.ndarray, truth: np.ndarray) -> float:
    """Largest corner distance, whichever corner the detector calls first."""
    truth = order_corners(np.asarray(truth, np.float32))
    return float(min(np.max(np.linalg.norm(np.roll(found, k, axis=0) - truth, axis=1)) for k in range(4)))


EFFECTS = {
    "clean": {},
    "dark_desk": {"desk_kind": "dark"},
    "wood_grain": {"desk_kind": "wood"},
    "fabric": {"desk_kind": "fabric"},
    "grey_mat": {"desk_kind": "grey"},
    "lighting_gradient": {"gradient": 1.0},
    "glare_on_card": {"glare": 0.9},
    "mild_blur": {"blur": 2.0},
    "underexposed": {"exposure": 0.45},
    "noise_and_jpeg": {"noise": 8, "jpeg": 50},
    "strong_tilt": {"tilt": 0.14},
    "portrait": {"angle": 90},
    "small_card": {"card_width": 380},
    "everything": {"gradient": 0.8, "glare": 0.6, "blur": 1.5, "jpeg": 60, "tilt": 0.12, "noise": 5},
}


@pytest.mark.parametrize("name", EFFECTS)
@pytest.mark.parametrize("seed", [3, 17])
def test_card_corners_are_found_within_a_few_pixels(name: str, seed: int) -> None:
    effects = dict(EFFECTS[name])
    effects.setdefault("card_width", random.Random(seed).uniform(650, 900))
    scene = card_scene(seed, **effects)
    (found,) = find_documents(scene.frame)
    scale = max(scene.frame.shape[:2]) / 1600
    assert corner_error(found.quad, scene.corners[0]) <= 3.0 * scale
    assert not found.cut_off
    assert shape_of(found.quad).kind == "id_card"


def test_card_in_a_phone_sized_frame() -> None:
    scene = card_scene(5, size=(2448, 3264), card_width=1500, gradient=0.5)
    (found,) = find_documents(scene.frame)
    assert corner_error(found.quad, scene.corners[0]) <= 3.0 * 3264 / 1600


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_two_cards_side_by_side_are_two_documents(seed: int) -> None:
    rng = random.Random(seed)
    width = rng.uniform(560, 680)
    left = place(CARD_MM, (430, 600), width, rng.uniform(-8, 8), 0.05, rng)
    right = place(CARD_MM, (1170, 600), width * rng.uniform(0.95, 1.05), rng.uniform(-8, 8), 0.05, rng)
    scene = compose(
        [(draw_card(rng), left), (draw_card(rng, back=True), right)],
        rng=rng,
        desk_kind=("wood", "dark", "fabric")[seed % 3],
        gradient=0.6,
    )
    found = find_documents(scene.frame)
    assert len(found) == 2
    for truth in scene.corners:
        assert min(corner_error(f.quad, truth) for f in found) <= 3.0


@pytest.mark.parametrize("seed,size", [(4, (1600, 1200)), (5, (1200, 1600))])
def test_a4_page_is_found_and_recognised_as_a4(seed: int, size: tuple[int, int]) -> None:
    rng = random.Random(seed)
    portrait = size[1] > size[0]
    quad = place(
        A4_MM, (size[0] / 2, size[1] / 2), 0.7 * min(size), rng.uniform(-6, 6) + (0 if portrait else 90), 0.04, rng
    )
    scene = compose([(draw_page(rng), quad)], size=size, rng=rng, desk_kind="wood", gradient=0.5)
    (found,) = find_documents(scene.frame)
    assert corner_error(found.quad, quad) <= 3.0 * max(size) / 1600
    assert shape_of(found.quad).kind == "a4"


@pytest.mark.parametrize("desk", ["dark", "wood", "fabric", "grey"])
def test_an_empty_desk_has_no_document_even_with_glare(desk: str) -> None:
    rng = random.Random(desk)
    scene = compose([], rng=rng, desk_kind=desk, gradient=0.8, glare=0.9)
    assert find_documents(scene.frame) == []


def test_a_card_cut_off_by_the_frame_edge_is_flagged() -> None:
    scene = card_scene(8, centre=(1500, 600), card_width=700, angle=4)
    (found,) = find_documents(scene.frame)
    assert found.cut_off
    # The three sides in view still put the visible corners in place.
    truth = order_corners(scene.corners[0])
    inside = [p for p in truth if 0 <= p[0] < 1600 and 0 <= p[1] < 1200]
    assert inside and all(np.min(np.linalg.norm(found.quad - p, axis=1)) <= 4 for p in inside)


def test_generated_captures_are_localised() -> None:
    """The project's own camera model (samples.generator) across difficulties: cards found, corners within a
    few pixels. One miss in 24 cards is allowed: a glare spot centred on the edge of a pale card lying on a
    pale desk leaves that edge no contrast at all (frame 4 of this seed, "medium")."""
    from samples.generator.idcard import make_capture

    errors, missed, cards = [], 0, 0
    for i in range(20):
        difficulty = ("easy", "medium", "hard")[i % 3]
        sides = "both" if i % 5 == 4 else ("front", "back")[i % 2]
        cap = make_capture(i, seed=2024, difficulty=difficulty, sides=sides, frame_size=(1600, 1200))
        found = find_documents(cap.shot.decode())
        for placement in cap.shot.placements:
            cards += 1
            best = min((corner_error(f.quad, placement.quad) for f in found), default=np.inf)
            if best > 4.0:
                missed += 1
            else:
                errors.append(best)
    assert cards == 24
    assert missed <= 1
    assert float(np.median(errors)) <= 2.0
