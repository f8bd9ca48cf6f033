"""Crops of rectified pages: the card itself and the ID card's portrait, found by the Haar face cascade when the
photo holds a face and by the card's layout otherwise. Generated cards (camera frames through real capture) and a
drawn face the bundled cascade detects; no OCR."""

from __future__ import annotations

import random

import cv2
import numpy as np
import pytest

from capture.crops import encode_jpeg, layout_portrait_box, page_crops, portrait
from capture.frame import prepare_frame
from capture.load import load_pages
from config.settings import Settings
from samples.generator.idcard import make_capture
from samples.generator.idcard_render import CARD_MM, CardStyle, render_back, render_front
from samples.generator.identities import make_person

# The generator's photo box (samples/generator/idcard_render.py) and the head drawn in it, in mm of the card.
PHOTO_MM = (55.5, 5.5, 81.5, 38.0)


def _head_box(width: int, height: int) -> tuple[float, float, float, float]:
    """The head-and-shoulders' head ellipse of the generator's photo box, in pixels of a rectified card."""
    sx, sy = width / CARD_MM[0], height / CARD_MM[1]
    x0, y0, x1, y1 = (PHOTO_MM[0] * sx, PHOTO_MM[1] * sy, PHOTO_MM[2] * sx, PHOTO_MM[3] * sy)
    bw, bh = x1 - x0, y1 - y0
    return x0 + 0.3 * bw, y0 + 0.12 * bh, x0 + 0.7 * bw, y0 + 0.6 * bh


def _contains(outer, inner, slack: float = 0.0) -> bool:
    return (
        outer[0] <= inner[0] + slack
        and outer[1] <= inner[1] + slack
        and outer[2] >= inner[2] - slack
        and outer[3] >= inner[3] - slack
    )


def drawn_face(size: int) -> np.ndarray:
    """A plain drawn face (hair, skin, brows, eyes, nose, mouth) that OpenCV's frontal-face cascade detects."""
    img = np.full((int(size * 1.25), size, 3), (200, 200, 205), np.uint8)
    cx, cy = size // 2, int(size * 0.55)
    cv2.ellipse(img, (cx, cy - int(size * 0.08)), (int(size * 0.36), int(size * 0.46)), 0, 0, 360, (40, 40, 50), -1)
    cv2.ellipse(img, (cx, cy), (int(size * 0.30), int(size * 0.40)), 0, 0, 360, (150, 170, 205), -1)
    for dx in (-1, 1):
        ex, ey = cx + dx * int(size * 0.12), cy - int(size * 0.08)
        cv2.ellipse(
            img, (ex, ey - int(size * 0.06)), (int(size * 0.07), int(size * 0.015)), 0, 0, 360, (40, 40, 50), -1
        )
        cv2.ellipse(img, (ex, ey), (int(size * 0.055), int(size * 0.028)), 0, 0, 360, (240, 240, 240), -1)
        cv2.circle(img, (ex, ey), int(size * 0.025), (30, 30, 30), -1)
    cv2.ellipse(img, (cx, cy + int(size * 0.06)), (int(size * 0.03), int(size * 0.07)), 0, 0, 360, (120, 140, 175), -1)
    cv2.ellipse(img, (cx, cy + int(size * 0.2)), (int(size * 0.09), int(size * 0.025)), 0, 0, 360, (70, 70, 140), -1)
    return cv2.GaussianBlur(img, (0, 0), size / 100)


def _flat_front(seed: int) -> np.ndarray:
    rng = random.Random(seed)
    person = make_person(rng)
    style = CardStyle.draw(rng)
    return np.ascontiguousarray(np.asarray(render_front(person, style, rng).convert("RGB"))[..., ::-1])


@pytest.mark.parametrize("difficulty", ["easy", "medium", "hard"])
def test_a_photographed_id_front_gives_the_card_and_a_portrait_holding_the_head(difficulty):
    shot = make_capture(3, seed=20, difficulty=difficulty, sides="front")
    settings = Settings().capture
    (raw,) = load_pages(shot.shot.jpeg, shot.file_name, settings)
    (page,) = prepare_frame(raw, settings)
    crops = page_crops(page.image, doc_type="id_card_front", page=0)
    assert [c.kind for c in crops] == ["document", "portrait"]
    card, face = crops
    assert (card.width, card.height) == (page.image.shape[1], page.image.shape[0])
    # The generated photo holds a drawn silhouette, not a face: the layout box, said so.
    assert face.method == "layout" and face.note
    h, w = page.image.shape[:2]
    slack = 0.03 * w  # rectification is exact to a few pixels of the 720-px card
    assert _contains(face.bbox, _head_box(w, h), slack)
    # ...and stays on the photo side of the card, clear of the name and address columns.
    assert face.bbox[0] > 0.55 * w
    assert face.image.shape[:2] == (face.bbox[3] - face.bbox[1], face.bbox[2] - face.bbox[0])


def test_a_face_in_the_photo_box_is_found_and_framed():
    card = _flat_front(7)
    h, w = card.shape[:2]
    x0, y0 = round(PHOTO_MM[0] * w / CARD_MM[0]), round(PHOTO_MM[1] * h / CARD_MM[1])
    box_w = round((PHOTO_MM[2] - PHOTO_MM[0]) * w / CARD_MM[0])
    face = drawn_face(int(box_w * 0.8))
    fx = x0 + (box_w - face.shape[1]) // 2
    card[y0 : y0 + face.shape[0], fx : fx + face.shape[1]] = face
    got = portrait(card)
    assert got.method == "face" and got.note is None
    # The drawn face (skin oval) lies inside the crop, which is framed around it within the photo area.
    size = face.shape[1]
    skin = (fx + 0.2 * size, y0 + 0.15 * size, fx + 0.8 * size, y0 + 0.95 * size)
    assert _contains(got.bbox, skin)
    layout = layout_portrait_box(w, h)
    assert _contains(layout, got.bbox) and got.bbox != layout


def test_a_face_outside_the_photo_area_is_not_taken_for_the_portrait():
    card = _flat_front(8)
    face = drawn_face(150)
    card[60 : 60 + face.shape[0], 40 : 40 + face.shape[1]] = face  # on the text side
    got = portrait(card)
    assert got.method == "layout"


def test_backs_and_contract_pages_get_the_page_alone_and_text_pages_none():
    rng = random.Random(5)
    back = np.asarray(render_back(make_person(rng), CardStyle.draw(rng)).convert("RGB"))[..., ::-1]
    assert [c.kind for c in page_crops(back, doc_type="id_card_back", page=0)] == ["document"]
    page = np.full((1400, 1000, 3), 255, np.uint8)
    assert [(c.kind, c.page, c.method) for c in page_crops(page, doc_type="purchase_contract", page=2)] == [
        ("document", 2, "page")
    ]
    assert page_crops(None, doc_type="purchase_contract", page=0) == ()


def test_encoded_crops_are_bounded_jpegs():
    data, w, h = encode_jpeg(np.zeros((3000, 2000, 3), np.uint8), max_side=1024, quality=80)
    assert data[:2] == b"\xff\xd8" and max(w, h) == 1024 and (w, h) == (683, 1024)
    decoded = cv2.imdecode(np.frombuffer(data, np.uint8), cv2.IMREAD_COLOR)
    assert decoded.shape[:2] == (h, w)
