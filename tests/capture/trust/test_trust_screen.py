"""screen_recapture: a card photographed off a phone or monitor raises it."""

from __future__ import annotations

import pytest
from trust_frames import card_page, codes


@pytest.mark.parametrize(("variant", "index"), [("phone_fine", 0), ("monitor_coarse", 1)])
def test_a_screen_recapture_raises_screen_recapture(variant: str, index: int) -> None:
    page = card_page("screen_recapture", variant, index)
    assert "screen_recapture" in codes(page), page.quality.metrics
