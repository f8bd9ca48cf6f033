"""tampered, text cue: an ID number read clearly whose check digit disagrees raises it; a valid number, or one
the recogniser was unsure of, does not. (The image cue is weak on generated edits: docs/trust.md.)"""

from __future__ import annotations

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
