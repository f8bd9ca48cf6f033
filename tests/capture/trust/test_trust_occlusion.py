"""occluded and border_incomplete: a finger over a field, a covered corner, a card running off the frame."""

from __future__ import annotations

import pytest
from trust_frames import card_page, codes


@pytest.mark.parametrize(("variant", "index"), [("finger", 0), ("pen", 2)])
def test_something_over_a_field_raises_occluded(variant: str, index: int) -> None:
    page = card_page("occluded", variant, index)
    assert "occluded" in codes(page), page.quality.metrics


@pytest.mark.parametrize(("variant", "index"), [("finger_corner", 0), ("outside_frame", 1)])
def test_a_covered_or_cut_border_raises_border_incomplete(variant: str, index: int) -> None:
    page = card_page("border_incomplete", variant, index)
    assert "border_incomplete" in codes(page), page.quality.metrics
