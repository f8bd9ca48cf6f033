"""Originals raise no trust warning, on every camera difficulty, and carry the five scores."""

from __future__ import annotations

import numpy as np
import pytest
from trust_frames import TRUST_CODES, card_page, codes

from capture import trust
from config.settings import TrustSettings
from domain.models import Page


@pytest.mark.parametrize(
    ("variant", "index", "difficulty"),
    [("front", 0, "easy"), ("back", 1, "easy"), ("front", 2, "medium"), ("back", 3, "medium"), ("front", 4, "hard")],
)
def test_an_original_raises_no_trust_warning(variant: str, index: int, difficulty: str) -> None:
    page = card_page("original", variant, index, difficulty)
    assert not codes(page) & TRUST_CODES, page.quality.metrics
    for code in TRUST_CODES:
        assert 0.0 <= page.quality.metrics[f"{code}_score"] <= 1.0


def test_a_clean_original_scores_high_and_the_score_is_exported() -> None:
    page = card_page("original", "front", 0, "easy")
    assert page.quality.score is not None and page.quality.score >= 80
    assert page.quality.to_dict()["score"] == page.quality.score


def test_only_cropped_camera_cards_are_judged() -> None:
    """A grey A4 page gets only the screen cue (and no warning); a whole frame with no document and a scan are not
    judged at all."""
    grey_card = np.full((540, 856, 3), 200, np.uint8)
    a4 = np.full((1414, 1000, 3), 200, np.uint8)
    a4_page = Page(0, "a4.jpg", 1000.0, 1414.0, image=a4, transforms=("perspective",))
    assert set(trust.scores(a4_page) or {}) == {"screen_recapture"}  # the one cue that needs no card layout
    assert not {i.code for i in trust.assess(a4_page, TrustSettings()).quality.issues}
    cases = [
        Page(0, "frame.jpg", 856.0, 540.0, image=grey_card),
        Page(0, "scan.pdf#1", 856.0, 540.0, origin="scan", image=grey_card, transforms=("perspective",)),
    ]
    for page in cases:
        assert trust.scores(page) is None
        assert trust.assess(page, TrustSettings()) is page
    card = Page(0, "card.jpg", 856.0, 540.0, image=grey_card, transforms=("perspective",))
    assert "photocopy" in {i.code for i in trust.assess(card, TrustSettings()).quality.issues}


def test_disabled_trust_changes_nothing() -> None:
    card = Page(0, "card.jpg", 856.0, 540.0, image=np.full((540, 856, 3), 200, np.uint8), transforms=("perspective",))
    assert trust.assess(card, TrustSettings(enabled=False)) is card
