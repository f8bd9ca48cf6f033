"""The contract traps end to end on camera frames with the real OCR engine: a document-camera photo of the page
of a GF-2014-0171 model text that holds the land parcel, the three areas and the price options, and of a lease page
whose deposit (three months' rent) is stated before the rent and whose parties give their home addresses."""

from __future__ import annotations

import random

import pytest

from config.settings import get_settings
from extractors.engines import OcrEngine, get_engine
from pipeline.documents.extract import InputFile, extract_files
from samples.generator.contracts import make_contract


@pytest.fixture(scope="module")
def engine() -> OcrEngine:
    return get_engine(settings=get_settings().ocr)


def _page(doc_type: str, family: str, key: str, page: int, engine: OcrEngine) -> tuple[dict, dict]:
    sample = make_contract(
        random.Random(key), doc_type=doc_type, template=family, form="camera", difficulty="easy", name="cam"
    )
    name, data = sample.files[page]
    doc = next(extract_files([InputFile(name, data)], doc_type=doc_type, one_document=True, engine=engine))
    return dict(sample.truth), {k: f.value for k, f in doc.fields.items()}


def test_model_text_page_on_camera_reads_the_house_not_the_parcel(engine: OcrEngine) -> None:
    truth, got = _page("purchase_contract", "gf0171_presale", "cam/6", 1, engine)
    for name in ("property_address", "floor_area", "unit_price", "total_price"):
        assert got.get(name) == truth[name], (name, got.get(name))


def test_lease_page_on_camera_reads_the_rent_not_the_deposit(engine: OcrEngine) -> None:
    truth, got = _page("rental_agreement", "lines_deposit", "cam/4", 0, engine)
    for name in ("monthly_rent", "property_address", "lease_start", "lease_end", "lessor_id_number"):
        assert got.get(name) == truth[name], (name, got.get(name))
