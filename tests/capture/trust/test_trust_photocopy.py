"""photocopy: grey and colour copies of a card raise it; the card itself does not (test_trust_originals.py; on a
pale desk, below)."""

from __future__ import annotations

import numpy as np
import pytest
from trust_frames import card_page, codes

from capture.quality import hint
from capture.trust import corners, photocopy
from capture.trust.canvas import card_of
from config.settings import Settings
from pipeline.documents.extract import InputFile, capture_pages
from samples.generator.scenes import make_scene


@pytest.mark.parametrize(
    ("variant", "index", "difficulty"),
    [
        ("grey_laser", 0, "easy"),
        ("grey_toner", 1, "easy"),
        ("colour_washed", 4, "easy"),
        # Colour copies the colour cues alone let pass: caught by their square corners and flat pale print.
        ("colour_halftone", 2, "easy"),  # a back: the emblem and labels keep their colour
        ("colour_washed", 6, "medium"),  # a back
        ("colour_halftone", 3, "hard"),
    ],
)
def test_a_photocopy_raises_photocopy(variant: str, index: int, difficulty: str) -> None:
    page = card_page("photocopy", variant, index, difficulty)
    assert "photocopy" in codes(page), page.quality.metrics
    (warning,) = [i for i in page.quality.issues if i.code == "photocopy"]
    assert warning.message_zh == hint("photocopy") and warning.value == page.quality.metrics["photocopy_score"]


def test_a_copy_has_square_corners_and_a_card_rounded_ones() -> None:
    copy = card_of(card_page("photocopy", "colour_halftone", 2).image)
    card = card_of(card_page("original", "back", 1).image)
    assert corners.gap(copy.bgr) < 10 < 25 < corners.gap(card.bgr)
    assert photocopy.features(copy)["pale_print"] < photocopy.features(card)["pale_print"]


def test_square_corners_alone_are_not_a_copy() -> None:
    """A card whose corners show no desk (a sleeve, a pale desk) but whose pale print is all there: no warning."""
    bgr = card_of(card_page("original", "front", 0).image).bgr.copy()
    r = round(corners.RADIUS_MM * 10)
    for ys, xs in ((slice(0, r), slice(0, r)), (slice(0, r), slice(-r, None)), (slice(-r, None), slice(0, r))):
        bgr[ys, xs] = np.median(bgr[r : 2 * r, r : 2 * r].reshape(-1, 3), axis=0)
    bgr[-r:, -r:] = np.median(bgr[-2 * r : -r, -2 * r : -r].reshape(-1, 3), axis=0)
    card = card_of(bgr)
    f = photocopy.features(card)
    assert f["corner_gap"] < 10, f
    assert photocopy.score(f) < 0.5, f


@pytest.mark.parametrize(("kind", "index"), [("desk_light_grey", 0), ("phone", 22)])
def test_a_card_on_a_pale_desk_is_not_a_copy(kind: str, index: int) -> None:
    """On a pale desk the corners show no desk (and the phone's resolution flattens the pale print): the labels'
    and emblem's full colour still says card."""
    scene = make_scene(kind, index, seed=20)
    pages = capture_pages(InputFile(scene.name, scene.data), Settings())
    cards = [p for p in pages if p.image is not None and card_of(p.image) is not None]
    # The case this is about: a card whose corners look square.
    assert any(photocopy.features(card_of(p.image))["corner_gap"] < 15 for p in cards)
    for page in cards:
        assert "photocopy" not in codes(page), page.quality.metrics
