"""The reshoot list: doubtful values under their page with its capture hint, missing required fields without
a page, and never a text-layer page."""

from __future__ import annotations

from dataclasses import replace

from domain.models import ExtractedDocument, Field, PageInfo, QualityIssue, QualityReport, ReshootRequest, Severity
from extractors.reshoot import reshoot_requests

REQUIRED = ("lessor_name", "lessee_name", "monthly_rent")


def _page(index: int, *, text_layer: bool = False, issues: tuple[QualityIssue, ...] = ()) -> PageInfo:
    source = "pdf_text_layer" if text_layer else "ocr:paddle"
    return PageInfo(index, f"p{index}.jpg", 1000, 1414, "px", source, QualityReport(issues))


def _fields(**conf: tuple[float, int]) -> dict[str, Field]:
    return {name: Field(name, "x", c, page) for name, (c, page) in conf.items()}


def test_values_read_well_ask_for_nothing() -> None:
    fields = _fields(lessor_name=(0.97, 0), lessee_name=(0.95, 0), monthly_rent=(0.99, 1))
    assert reshoot_requests(fields, [_page(0), _page(1)], required=REQUIRED, review_below=0.9) == ()


def test_doubtful_values_are_listed_under_their_page_with_its_capture_hint() -> None:
    glare = QualityIssue("glare", "文件有反光，请调整角度或光源，避免强光直射后重拍")
    fields = _fields(lessor_name=(0.45, 1), lessee_name=(0.97, 1), monthly_rent=(0.6, 2), lease_start=(0.8, 2))
    out = reshoot_requests(fields, [_page(0), _page(1), _page(2, issues=(glare,))], required=REQUIRED, review_below=0.9)
    assert [(r.page, r.fields) for r in out] == [(1, ("lessor_name",)), (2, ("monthly_rent", "lease_start"))]
    assert out[0].hint_zh.startswith("第2页：出租人姓名识别不可靠，请核对")
    assert out[1].hint_zh == "第3页：月租金、租赁起始日期识别不可靠，" + glare.message_zh


def test_required_fields_found_nowhere_have_no_page() -> None:
    fields = _fields(lessor_name=(0.97, 0))
    (missing,) = reshoot_requests(fields, [_page(0), _page(1)], required=REQUIRED, review_below=0.9)
    assert missing.page is None and missing.fields == ("lessee_name", "monthly_rent")
    assert missing.hint_zh.startswith("未识别到承租人姓名、月租金")


def test_a_required_field_whose_label_was_found_is_listed_under_that_page() -> None:
    """The label was read but its value was not (washed out by glare): photograph that page again."""
    small = QualityIssue("too_small", "文件在画面中过小，请将文件靠近镜头后重拍")
    fields = _fields(lessor_name=(0.97, 0), lease_start=(0.6, 1))
    out = reshoot_requests(
        fields,
        [_page(0), _page(1, issues=(small,))],
        required=REQUIRED,
        review_below=0.9,
        unread_on={"lessee_name": 1},
    )
    assert [(r.page, r.fields) for r in out] == [(1, ("lessee_name", "lease_start")), (None, ("monthly_rent",))]
    assert out[0].hint_zh == "第2页：未识别到承租人姓名，租赁起始日期识别不可靠，" + small.message_zh
    # A label on a page that is not there, or on a text-layer page, names no page.
    out = reshoot_requests(
        fields, [_page(0), _page(1, text_layer=True)], required=REQUIRED, review_below=0.9, unread_on={"lessee_name": 1}
    )
    assert [(r.page, r.fields) for r in out] == [(None, ("lessee_name", "monthly_rent"))]


def test_a_text_layer_pdf_is_never_asked_for_again() -> None:
    fields = _fields(lessor_name=(0.5, 0))
    assert reshoot_requests(fields, [_page(0, text_layer=True)], required=REQUIRED, review_below=0.9) == ()


def test_the_document_json_carries_the_list() -> None:
    request = ReshootRequest(2, ("lessee_name",), "第3页：承租人姓名识别不可靠")
    doc = ExtractedDocument("rental_agreement", {}, ("a.jpg",), reshoot=(request,))
    assert doc.to_json()["reshoot"] == [
        {"page": 2, "fields": ["lessee_name"], "hint_zh": "第3页：承租人姓名识别不可靠"}
    ]


def test_a_field_the_clerk_corrected_leaves_the_stored_list() -> None:
    from pipeline.cases.views import still_open

    stored = [
        ReshootRequest.from_dict({"page": 1, "fields": ["lessor_name", "lessee_name"], "hint_zh": "h"}),
        ReshootRequest.from_dict({"page": 2, "fields": ["monthly_rent"], "hint_zh": "g"}),
    ]
    assert list(still_open(stored, {"monthly_rent": object(), "lessor_name": object()})) == [
        ReshootRequest(1, ("lessee_name",), "h")
    ]


def test_build_document_lists_by_the_threshold_it_is_given() -> None:
    from domain.models import OcrPage, Page, TextLine
    from extractors.document import ReadPage, build_document

    lines = (
        TextLine("出租人（甲方）：钱多多", 0.85, (100, 100, 320, 120)),
        TextLine("承租人（乙方）：孙丽", 0.99, (100, 140, 300, 160)),
    )
    read = ReadPage(Page(0, "p1.jpg", 1000, 1414), OcrPage(lines, 1000, 1414, "test"), 1.0)

    def listed(review_below: float) -> set[str]:
        doc = build_document(
            [read],
            sources=["p1.jpg"],
            doc_type="rental_agreement",
            engine_version="test",
            capture_ms=0,
            review_below=review_below,
        )
        return {f for r in doc.reshoot if r.page == 0 for f in r.fields}

    assert "lessor_name" in listed(0.9) and "lessor_name" not in listed(0.8)


def test_the_hint_is_the_pages_worst_problem() -> None:
    """A slightly soft page that is also far too small: "move closer" is what will help, not "hold still"."""
    soft = QualityIssue("blurry", "图像模糊，请保持文件稳定、对焦清晰后重拍")
    tiny = QualityIssue("too_small", "文件在画面中过小，请将文件靠近镜头后重拍", Severity.ERROR)
    fields = _fields(lessor_name=(0.5, 0), lessee_name=(0.97, 0), monthly_rent=(0.99, 0))
    (r,) = reshoot_requests(fields, [_page(0, issues=(soft, tiny))], required=REQUIRED, review_below=0.9)
    assert r.hint_zh.endswith(tiny.message_zh)
    (r,) = reshoot_requests(
        fields, [_page(0, issues=(soft, replace(tiny, severity=Severity.WARNING)))], required=REQUIRED, review_below=0.9
    )
    assert r.hint_zh.endswith(soft.message_zh)  # two warnings: the first found
