"""Crops made for a case's pages: from the pixels just read, or — for a page that came from the read cache without
pixels — from the file captured again, which gives the same crops (capture is deterministic), turned as the reading
turned the page. No OCR: the documents are built by hand around real captured pages."""

from __future__ import annotations

import numpy as np

from config.settings import Settings
from domain.models import ExtractedDocument, PageInfo
from pipeline.cases.crops import crops_of_new_pages
from pipeline.documents.extract import InputFile, capture_pages
from samples.generator.idcard import make_capture


def _doc(pages, doc_type: str = "id_card_front", transforms=()) -> ExtractedDocument:  # type: ignore[no-untyped-def]
    infos = tuple(
        PageInfo(i, p.source, p.width, p.height, p.unit, "ocr:test", transforms=(*p.transforms, *transforms))
        for i, p in enumerate(pages)
    )
    return ExtractedDocument(doc_type=doc_type, fields={}, source=("f.jpg",), pages=infos)


def test_a_page_without_pixels_is_captured_again_to_the_same_crops():
    settings = Settings()
    shot = make_capture(1, seed=33, difficulty="medium", sides="both")
    file = InputFile(shot.file_name, shot.shot.jpeg)
    pages = capture_pages(file, settings)
    assert len(pages) == 2  # a frame holding both sides: one document per card
    for k, page in enumerate(pages):
        doc = _doc([page])
        fresh = crops_of_new_pages(doc, [page], [0], file=file, file_page=[k], settings=settings)
        again = crops_of_new_pages(doc, [page.with_(image=None)], [0], file=file, file_page=[k], settings=settings)
        assert [c.kind for c in fresh] == ["document", "portrait"]
        assert [(c.kind, c.jpeg, c.bbox) for c in fresh] == [(c.kind, c.jpeg, c.bbox) for c in again]


def test_a_page_the_reading_turned_is_cropped_turned():
    settings = Settings()
    shot = make_capture(2, seed=33, difficulty="easy", sides="front")
    file = InputFile(shot.file_name, shot.shot.jpeg)
    (page,) = capture_pages(file, settings)
    turned = page.with_(image=np.ascontiguousarray(page.image[::-1, ::-1]))
    doc = _doc([page], transforms=("rotate_180_by_ocr",))
    as_read = crops_of_new_pages(doc, [turned], [0], file=file, file_page=[0], settings=settings)
    recaptured = crops_of_new_pages(doc, [page.with_(image=None)], [0], file=file, file_page=[0], settings=settings)
    assert as_read[0].jpeg == recaptured[0].jpeg


def test_appended_pages_get_their_document_page_numbers_and_no_portrait():
    settings = Settings()
    shot = make_capture(3, seed=33, difficulty="easy", sides="front")
    file = InputFile(shot.file_name, shot.shot.jpeg)
    (page,) = capture_pages(file, settings)
    doc = _doc([page, page, page], doc_type="purchase_contract")
    crops = crops_of_new_pages(
        doc, [page.with_(image=None)] * 2 + [page], [2], file=file, file_page=[0], settings=settings
    )
    assert [(c.kind, c.page) for c in crops] == [("document", 2)]
    limited = settings.model_copy(update={"crops": settings.crops.model_copy(update={"max_pages": 2})})
    assert crops_of_new_pages(doc, [page] * 3, [2], file=file, file_page=[0], settings=limited) == []
