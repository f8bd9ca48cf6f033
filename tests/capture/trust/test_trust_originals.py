"""Originals raise no trust warning, on every camera difficulty, and carry the five scores."""

from __future__ import annotations

import pytest
from trust_frames import TRUST_CODES, card_page, codes


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
