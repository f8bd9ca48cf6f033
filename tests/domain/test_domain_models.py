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


# --- one encoding, both ways ----------------------------------------------------------------------------------
def _stored_document():
    from domain.models import (
        ExtractedDocument,
        Field,
        PageInfo,
        QualityIssue,
        QualityReport,
        ReshootRequest,
        Severity,
    )

    blurry = QualityIssue("blurry", "图像模糊", Severity.WARNING, 0.21)
    pages = (
        PageInfo(0, "a.jpg", 856.0, 540.0, "px", "ocr:paddle", QualityReport((blurry,), {"sharpness": 0.21}), "ab12"),
        PageInfo(1, "b.pdf#1", 595.0, 842.0, "pt", "pdf_text_layer", QualityReport(), None, ("rotate_180",)),
    )
    return ExtractedDocument(
        doc_type="id_card_front",
        fields={
            "name": Field("name", "张三", 0.9812, 0, (10.0, 20.0, 110.0, 40.0)),
            "buyers": Field("buyers", [{"name": "李四"}], 0.5, None, None),
        },
        source=("a.jpg", "b.pdf"),
        pages=pages,
        warnings=("page 0: blurry: 图像模糊",),
        timing_ms={"ocr": 12.5},
        classification_confidence=0.97,
        engine="paddle-3.0",
        reshoot=(ReshootRequest(0, ("name",), "请重拍"),),
    )


def test_an_extracted_document_comes_back_from_its_json():
    from domain.models import ExtractedDocument

    doc = _stored_document()
    back = ExtractedDocument.from_json(doc.to_json())
    assert back.to_json() == doc.to_json()
    assert back.pages[0].quality.issues[0].value == 0.21 and back.pages[0].phash == "ab12"
    assert back.fields["name"].bbox == (10.0, 20.0, 110.0, 40.0) and back.reshoot == doc.reshoot


def test_a_quality_issue_has_one_encoding_and_reads_the_old_package_one():
    from domain.models import QualityIssue, QualityReport, Severity

    issue = QualityIssue("glare", "有反光", Severity.ERROR, 0.3)
    assert QualityIssue.from_dict(issue.to_dict()) == issue
    old = {"code": "glare", "message_zh": "有反光", "severity": "error", "value": 0.3}  # package rows before
    assert QualityIssue.from_dict(old) == issue
    report = QualityReport((issue,), {"glare": 0.3})
    assert QualityReport.from_dict(report.to_dict()).to_dict() == report.to_dict()


def test_text_lines_and_check_reports_come_back():
    from domain.models import CheckReport, Finding, Severity, TextLine

    line = TextLine("公积金", 0.9, (1.0, 2.0, 3.0, 4.0), candidates=((("公", 0.9), ("分", 0.1)), (), ()))
    assert TextLine.from_json(line.to_json()) == line
    report = CheckReport(
        "purchase_withdrawal",
        (Finding("registry.housing", Severity.INFO, "未核验", ("doc[0]",), indeterminate=True),),
        "2026-12-05",
    )
    assert CheckReport.from_json(report.to_json()) == report
