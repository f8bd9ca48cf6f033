from dataclasses import FrozenInstanceError

import pytest

from domain.errors import CorruptFile, DocintelError, ImageTooLarge, InputError, ModelsMissing
from domain.masking import mask_id_number, mask_name, mask_text
from domain.models import (
    CheckReport,
    ExtractedDocument,
    Field,
    Finding,
    PageInfo,
    QualityIssue,
    QualityReport,
    Severity,
)


def _doc() -> ExtractedDocument:
    q = QualityReport((QualityIssue("blurry", "图像模糊，请重拍", Severity.WARNING, 12.0),), {"laplacian_var": 12.0})
    return ExtractedDocument(
        doc_type="id_card_front",
        fields={"name": Field("name", "张三", 0.98, 0, (1.0, 2.0, 3.0, 4.0))},
        source=("a.jpg",),
        pages=(PageInfo(0, "a.jpg", 100, 60, "px", "ocr:paddle", q),),
        timing_ms={"total": 12.345},
    )


def test_extracted_document_json_follows_the_cli_contract():
    j = _doc().to_json()
    assert set(j) >= {"source", "doc_type", "fields", "quality", "warnings", "timing_ms"}
    assert j["fields"]["name"] == {"value": "张三", "confidence": 0.98, "page": 0, "bbox": [1.0, 2.0, 3.0, 4.0]}
    assert j["quality"]["ok"] is True
    assert j["quality"]["issues"][0]["code"] == "blurry"
    assert j["quality"]["issues"][0]["page"] == 0


def test_documents_are_immutable():
    doc = _doc()
    with pytest.raises(FrozenInstanceError):
        doc.doc_type = "x"  # type: ignore[misc]
    with pytest.raises(TypeError):
        doc.fields["name"] = Field("name", "李四", 1.0)  # type: ignore[index]


def test_check_report_passes_only_without_errors():
    warn = Finding("id_card.validity_span", Severity.WARNING, "有效期异常")
    err = Finding("id_card.check_digit", Severity.ERROR, "校验位错误", ("doc[0].id_number",))
    assert CheckReport("rental_withdrawal", (warn,), "2026-01-01").passed
    report = CheckReport("rental_withdrawal", (warn, err), "2026-01-01")
    assert not report.passed
    assert report.to_json()["findings"][1]["refs"] == ["doc[0].id_number"]


def test_errors_carry_code_status_and_both_languages():
    e = ImageTooLarge("20000x20000 is over the limit")
    assert isinstance(e, InputError) and isinstance(e, DocintelError)
    assert (e.code, e.http_status, e.exit_code) == ("image_too_large", 413, 2)
    assert e.message_zh and "\n" not in e.one_line()
    assert CorruptFile("x").http_status == 422
    assert ModelsMissing("x").exit_code == 3


def test_masking_keeps_only_what_identifies_nobody():
    assert mask_id_number("420106199001014312") == "4201**********4312"
    assert mask_name("张三丰") == "张**"
    assert mask_text("身份证 11010519491231002X 已核验") == "身份证 1101**********002X 已核验"
    assert mask_text("合同号 2024-0001") == "合同号 2024-0001"
