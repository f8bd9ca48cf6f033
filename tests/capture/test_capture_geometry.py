"""What a measured quad is: the A4/ID-card decision from its shape and the size of its text."""

from __future__ import annotations

import random

import cv2
import numpy as np
import pytest
from capture_scenes import draw_card, draw_page

from capture.geometry import A4_LINE_SHARE, ID_CARD_LINE_SHARE, likely_kind, shape_of
from capture.orientation import text_line_share


@pytest.mark.parametrize(
    "ratio,kind",
    [(1.414, "a4"), (1.36, "a4"), (1.585, "id_card"), (1.7, "id_card"), (1.1, "other"), (2.3, "other")],
)
def test_without_text_the_nearest_shape_decides(ratio: float, kind: str) -> None:
    assert likely_kind(ratio) == kind


@pytest.mark.parametrize("ratio", [1.47, 1.52, 1.56, 1.6])
def test_page_sized_text_makes_a_keystoned_page_a4(ratio: float) -> None:
    """Under keystone an A4 page measures up to ~1.55, inside the card's band; its small print says A4."""
    assert likely_kind(ratio, A4_LINE_SHARE) == "a4"


@pytest.mark.parametrize("ratio", [1.42, 1.45, 1.5])
def test_card_sized_text_makes_a_squashed_card_an_id_card(ratio: float) -> None:
    assert likely_kind(ratio, ID_CARD_LINE_SHARE) == "id_card"


def test_a_clean_shape_is_not_overruled_by_odd_text() -> None:
    """A page of large print (a cover page) measured square-on stays A4: text is evidence, not a veto."""
    assert likely_kind(1.414, 0.022) == "a4"
    assert likely_kind(1.585, 0.018) == "id_card"


def test_shape_sizes_follow_the_kind() -> None:
    # An upright quad 820 × 1280: a card's ratio, a page's text.
    quad = np.array([[0, 0], [820, 0], [820, 1280], [0, 1280]], np.float32)
    assert shape_of(quad).kind == "id_card"
    page = shape_of(quad, line_share=A4_LINE_SHARE)
    assert page.kind == "a4"
    assert page.height >= 1400
    assert abs(page.height / page.width - 297 / 210) < 0.01


def _share(image: np.ndarray) -> float | None:
    return text_line_share(cv2.cvtColor(image, cv2.COLOR_BGR2GRAY))


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_text_lines_measure_the_document_in_either_direction(seed: int) -> None:
    rng = random.Random(seed)
    page, card, back = draw_page(rng), draw_card(rng), draw_card(rng, back=True)
    for image, lo, hi in ((page, 0.008, 0.02), (card, 0.025, 0.07), (back, 0.025, 0.09)):
        share = _share(image)
        assert share is not None and lo <= share <= hi
        # Lines running down the picture (a document turned a quarter) measure the same.
        turned = _share(np.ascontiguousarray(np.rot90(image)))
        assert turned is not None and abs(np.log(turned / share)) < 0.2


def test_a_blank_sheet_has_no_text_to_measure() -> None:
    assert _share(np.full((1000, 707, 3), 245, np.uint8)) is None
