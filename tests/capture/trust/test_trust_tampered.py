"""tampered: a pasted number block raises it from the image; a wrong check digit read clearly from the text."""

from __future__ import annotations

from trust_frames import card_page, codes

from config.settings import TrustSettings
from domain.models import Field, OcrPage, Page, TextLine
from pipeline.trust_text import check_digit_score, with_check_digit


def test_a_pasted_number_block_raises_tampered() -> None:
    page = card_page("tampered", "number_pasted", 0)
    assert "tampered" in codes(page), page.quality.metrics


def _read(number: str, confidence: float) -> tuple[list[Page], list[OcrPage], dict[str, Field]]:
    box = (300.0, 440.0, 800.0, 480.0)
    ocr = OcrPage((TextLine(number, confidence, box),), 856, 540, "test")
    field = Field("id_number", number, confidence, page=0, bbox=box, raw=number)
    return [Page(0, "f.jpg", 856.0, 540.0)], [ocr], {"id_number": field}


def test_a_clearly_read_number_with_a_wrong_check_digit_raises_tampered() -> None:
    pages, ocr, fields = _read("110105197906054201", 0.99)  # the right check digit is 2
    assert check_digit_score(fields, ocr) == (0, 1.0)
    (page,) = with_check_digit(pages, ocr, fields, TrustSettings())
    assert "tampered" in {i.code for i in page.quality.issues}
    assert pages[0].quality.issues == ()  # the page it came from is not changed


def test_a_valid_or_unsure_number_raises_nothing() -> None:
    for number, conf in (("110105197906054202", 0.99), ("110105197906054201", 0.8)):
        pages, ocr, fields = _read(number, conf)
        (page,) = with_check_digit(pages, ocr, fields, TrustSettings())
        assert "tampered" not in {i.code for i in page.quality.issues}, number
