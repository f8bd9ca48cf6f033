"""photocopy: grey and colour copies of a card raise it; the card itself does not (test_trust_originals.py)."""

from __future__ import annotations

import pytest
from trust_frames import card_page, codes

from capture.quality import hint


@pytest.mark.parametrize(("variant", "index"), [("grey_laser", 0), ("grey_toner", 1), ("colour_washed", 4)])
def test_a_photocopy_raises_photocopy(variant: str, index: int) -> None:
    page = card_page("photocopy", variant, index)
    assert "photocopy" in codes(page), page.quality.metrics
    (warning,) = [i for i in page.quality.issues if i.code == "photocopy"]
    assert warning.message_zh == hint("photocopy") and warning.value == page.quality.metrics["photocopy_score"]
