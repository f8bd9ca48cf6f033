"""End to end through ``extract_files`` (behind ``docintel extract`` and POST /v1/extract), real OCR: a grey
photocopy of an ID card comes back with a ``photocopy`` warning on its page and in the document's warnings; the
card itself comes back without one, both read as ID card fronts, each page with its quality score."""

from __future__ import annotations

import pytest

from config.settings import Settings
from extractors.engines import get_engine
from pipeline.documents.extract import InputFile, extract_files
from samples.generator.attacks import make_frame


@pytest.fixture(scope="module")
def engine():
    return get_engine("paddle", settings=Settings().ocr)


def _extract(kind: str, variant: str, engine) -> dict:
    f = make_frame(3, seed=17, difficulty="easy", kind=kind, variant=variant)
    (doc,) = extract_files([InputFile(f"{kind}.jpg", f.shot.jpeg)], engine=engine, settings=Settings())
    return doc.to_json()


def test_a_grey_photocopy_is_flagged_and_the_original_is_not(engine) -> None:
    copy = _extract("photocopy", "grey_laser", engine)
    original = _extract("original", "front", engine)
    for doc in (copy, original):
        assert doc["doc_type"] == "id_card_front"
        assert isinstance(doc["quality"]["scores"][0], int)
    copy_codes = {i["code"] for i in copy["quality"]["issues"]}
    original_codes = {i["code"] for i in original["quality"]["issues"]}
    assert "photocopy" in copy_codes
    assert any(": photocopy: " in w for w in copy["warnings"])
    assert "photocopy" not in original_codes and not any(": photocopy: " in w for w in original["warnings"])


def test_a_printed_number_with_a_wrong_check_digit_is_flagged_tampered(engine) -> None:
    doc = _extract("tampered", "number_check_digit", engine)
    assert doc["doc_type"] == "id_card_front"
    assert "tampered" in {i["code"] for i in doc["quality"]["issues"]}
