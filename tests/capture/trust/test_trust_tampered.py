"""tampered, text cue: an ID number read clearly whose check digit disagrees raises it; a valid number, or one
the recogniser was unsure of, does not. (The image cue is weak on generated edits: docs/trust.md; it must at
least stay quiet on originals.)"""

from __future__ import annotations

import numpy as np
from trust_frames import card_page

from capture.trust import tampered
from capture.trust.canvas import NAME_MM, Card, card_of, px
from config.settings import TrustSettings
from domain.models import Field, OcrPage, Page, TextLine
from pipeline.documents.trust_text import check_digit_score, with_check_digit


def _read(number: str, confidence: float) -> tuple[list[Page], list[OcrPage], dict[str, Field]]:
    box = (300.0, 440.0, 800.0, 480.0)
    ocr = OcrPage((TextLine(number, confidence, box),), 856, 540, "test")
    field = Field("id_number", number, confidence, page=0, bbox=box, raw=number)
    return [Page(0, "f.jpg", 856.0, 540.0)], [ocr], {"id_number": field}


def test_a_clearly_read_number_with_a_wrong_check_digit_raises_tampered() -> None:
    pages, ocr, fields = _read("110105197906054201", 0.99)  # the right check digit is 3
    assert check_digit_score(fields, ocr) == (0, 1.0)
    (page,) = with_check_digit(pages, ocr, fields, TrustSettings())
    assert "tampered" in {i.code for i in page.quality.issues}
    assert pages[0].quality.issues == ()  # the page it came from is not changed


def test_a_valid_or_unsure_number_raises_nothing() -> None:
    for number, conf in (("110105197906054203", 0.99), ("110105197906054201", 0.8)):
        pages, ocr, fields = _read(number, conf)
        (page,) = with_check_digit(pages, ocr, fields, TrustSettings())
        assert "tampered" not in {i.code for i in page.quality.issues}, number


def test_a_short_name_is_not_taken_for_an_edit() -> None:
    """A short name leaves most of its box empty: the image cue measures the inked part only (it read the empty
    box's paper as the name's ink and raised two easy originals of the seed-2 bench)."""
    card = card_of(card_page("original", "front", 0).image)
    bgr = card.bgr.copy()
    x0, y0, x1, y1 = px(NAME_MM)
    # Keep the name's first character (4 mm; 王一's second is a single stroke), clean the rest of the box.
    bgr[y0:y1, x0 + 40 : x1] = np.median(bgr[y0 - 12 : y0 - 2, x0 + 40 : x1].reshape(-1, 3), axis=0)
    short = Card(bgr, card.native, card.side)
    assert abs(tampered.features(short)["sharp_name"]) < 0.5
    assert tampered.score(tampered.features(short)) < 0.5
