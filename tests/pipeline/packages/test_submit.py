"""Package pieces that need no worker: grouping pages into documents, readings kept as JSON, the checks at upload."""

from __future__ import annotations

import json

import pytest

from config.settings import CaptureSettings, JobsSettings, Settings
from domain.errors import EmptyFile, FileTooLarge, InputError, UnsafeArchive
from domain.models import OcrPage, Page, QualityIssue, QualityReport, Severity, TextLine
from extractors.document import ReadPage
from pipeline.packages.reads import FileReading, assemble, page_stem, read_from_json, read_to_json
from pipeline.packages.submit import Upload, unpack_uploads
from pipeline.services import CaseServices


def _file(seq: int, name: str, doc_types: tuple[str, ...], kind: str = "jpeg") -> FileReading:
    groups = tuple(({"page": f"{name}#{i}"},) for i in range(len(doc_types)))
    return FileReading(seq, name, f"sha{seq}", kind, groups, doc_types, "engine/1", 10.0)


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("合同_1.jpg", ("/合同", 1)),
        ("合同第2页.png", ("/合同", 2)),
        ("scan-p03.jpg", ("/scan", 3)),
        ("docs/contract (4).jpg", ("docs/contract", 4)),
        ("IMG_20240101_123456.jpg", None),  # a camera's time stamp is not a page number
        ("idcard_front.jpg", None),
    ],
)
def test_page_numbers_in_names(name, expected):
    assert page_stem(name) == expected


def test_numbered_pages_of_a_contract_become_one_document():
    docs = assemble(
        [
            _file(0, "id_front.jpg", ("id_card_front",)),
            _file(1, "合同_1.jpg", ("purchase_contract",)),
            _file(2, "合同_2.jpg", ("unknown",)),
            _file(3, "合同_3.jpg", ("purchase_contract",)),
            _file(4, "both.jpg", ("id_card_front", "id_card_back")),
        ]
    )
    assert [[f.name for f in d.files] for d in docs] == [
        ["id_front.jpg"],
        ["合同_1.jpg", "合同_2.jpg", "合同_3.jpg"],
        ["both.jpg"],
        ["both.jpg"],
    ]
    assert docs[1].doc_type == "purchase_contract" and len(docs[1].reads) == 3
    assert [d.part_index for d in docs[2:]] == [0, 1]


def test_names_alone_never_merge_different_documents():
    docs = assemble(
        [
            _file(0, "scan_1.jpg", ("purchase_contract",)),
            _file(1, "scan_2.jpg", ("id_card_front",)),  # numbered like a page, but it reads as an ID card
            _file(2, "scan_3.jpg", ("unknown",)),  # follows an ID card, not a contract
            _file(3, "other_4.jpg", ("unknown",)),  # another stem
        ]
    )
    assert [len(d.files) for d in docs] == [1, 1, 1, 1]
    assert all(d.doc_type is None for d in docs)


def test_content_alone_never_merges_unnumbered_files():
    docs = assemble([_file(0, "contract.jpg", ("rental_agreement",)), _file(1, "page.jpg", ("unknown",))])
    assert len(docs) == 2


def test_a_reading_survives_json():
    quality = QualityReport(
        issues=(QualityIssue("blurry", "图像模糊，请重拍", Severity.WARNING, 12.5),), metrics={"sharpness": 12.5}
    )
    line = TextLine("姓名 张三", 0.97, (10.0, 20.0, 110.0, 40.0))
    page = Page(index=2, source="a.jpg", width=856, height=540, quality=quality, transforms=("perspective",))
    read = ReadPage(page, OcrPage((line,), 856, 540, "paddle"), 123.4)
    back = read_from_json(read_to_json(read))
    assert back.page.quality.issues == quality.issues and dict(back.page.quality.metrics) == {"sharpness": 12.5}
    assert back.ocr.lines == (line,) and back.page.text_layer is None and back.page.transforms == ("perspective",)
    text_page = Page(index=0, source="c.pdf#1", width=595, height=842, unit="pt", origin="pdf_text", text_layer=(line,))
    back = read_from_json(read_to_json(ReadPage(text_page, OcrPage((line,), 595, 842, "pdf_text_layer"), 1.0)))
    assert back.page.text_layer == (line,) and back.page.unit == "pt"
    # The recogniser's candidates come back too: a resumed package reads its 大写 amounts as a fresh one does.
    cands = ((("姓", 0.9),), (("名", 0.8), ("各", 0.1)), ((" ", 0.99),), (("张", 0.7), ("弓", 0.2)), (("三", 1.0),))
    with_cands = TextLine("姓名 张三", 0.97, (10.0, 20.0, 110.0, 40.0), candidates=cands)
    back = read_from_json(
        json.loads(json.dumps(read_to_json(ReadPage(page, OcrPage((with_cands,), 856, 540, "p"), 1))))
    )
    assert back.ocr.lines == (with_cands,)


def _svc(**jobs) -> CaseServices:  # type: ignore[no-untyped-def]
    settings = Settings(jobs=JobsSettings(**jobs), capture=CaptureSettings(max_upload_bytes=1000))
    return CaseServices(db=None, blobs=None, settings=settings)  # type: ignore[arg-type]


def test_uploaded_files_are_checked_before_anything_is_stored():
    svc = _svc(max_package_files=2, max_package_bytes=5000)
    files, skipped = unpack_uploads([Upload("C:\\fakepath\\a.jpg", b"\xff\xd8\xff1"), Upload(None, b"%PDF-1")], svc=svc)
    assert [f.name for f in files] == ["a.jpg", "file-2"] and skipped == []
    with pytest.raises(UnsafeArchive):
        unpack_uploads([Upload(f"{i}.jpg", b"x") for i in range(3)], svc=svc)
    with pytest.raises(FileTooLarge):
        unpack_uploads([Upload("big.jpg", b"x" * 1001)], svc=svc)
    with pytest.raises(FileTooLarge):
        unpack_uploads([Upload("a.jpg", b"x" * 900)] * 6, svc=_svc(max_package_bytes=5000))
    with pytest.raises(EmptyFile):
        unpack_uploads([Upload("empty.jpg", b"")], svc=svc)
    with pytest.raises(UnsafeArchive):
        unpack_uploads([Upload("a.jpg", b"1"), Upload("A.JPG", b"2")], svc=svc)
    with pytest.raises(InputError):
        unpack_uploads([], svc=svc)
