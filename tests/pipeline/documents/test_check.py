"""The check use case: reading DOC paths (files, folders of pages), extracting, checking; bad input before OCR."""

from __future__ import annotations

import datetime as dt

import pytest

from checks.facts import CaseFacts
from checks.registries.local import LocalRegistry
from domain.errors import InputError, UnknownBusiness
from domain.models import ExtractedDocument, Field
from pipeline.documents.check import check_case, check_documents, read_document
from samples.generator.case import make_case, write_case


def test_a_folder_is_the_pages_of_one_document_in_name_order(tmp_path):
    folder = tmp_path / "contract"
    folder.mkdir()
    for name in ["page10.jpg", "page2.jpg", "page1.JPG", "notes.txt", ".DS_Store"]:
        (folder / name).write_bytes(b"x")
    doc = read_document(folder)
    assert doc.pages_of_one
    assert [f.name.rsplit("/", 1)[-1] for f in doc.files] == ["page1.JPG", "page2.jpg", "page10.jpg"]
    single = read_document(folder / "page2.jpg")
    assert not single.pages_of_one and len(single.files) == 1


def test_unreadable_inputs_are_input_errors(tmp_path):
    with pytest.raises(InputError, match="does not exist"):
        read_document(tmp_path / "missing.jpg")
    (tmp_path / "empty").mkdir()
    with pytest.raises(InputError, match="no page images"):
        read_document(tmp_path / "empty")


def test_bad_business_date_or_facts_fail_before_any_ocr():
    with pytest.raises(UnknownBusiness):
        check_case(business="mortgage", inputs=[], engine=object())
    with pytest.raises(InputError, match="YYYY-MM-DD"):
        check_case(business="retirement_withdrawal", inputs=[], business_date="01/06/2026", engine=object())
    with pytest.raises(InputError, match="unknown case facts"):
        check_case(business="retirement_withdrawal", inputs=[], facts={"salary": "1"}, engine=object())


def test_check_documents_takes_stored_extractions_and_facts_as_stored():
    """The case API passes documents rebuilt from the database and facts as a dict."""
    front = ExtractedDocument("id_card_front", {"name": Field("name", "王伟", 0.9)}, ("a.jpg",))
    report = check_documents(
        [front],
        business="resignation_withdrawal",
        business_date=dt.date(2026, 6, 1),
        facts={"bank_card_number": None},
        registry=LocalRegistry({}),
    )
    missing = [f.message for f in report.findings if f.rule == "materials.missing"]
    assert any("身份证国徽面" in m for m in missing) and any("银行卡号" in m for m in missing)
    assert CaseFacts.from_mapping({"bank_card_number": "6222 0200 0000 0000"}).bank_card_number == "6222020000000000"


def test_check_case_extracts_a_text_pdf_contract(tmp_path):
    """Real extraction of a generated e-contract (text layer, no OCR needed) inside a case missing its ID card."""
    sample = make_case(5, business="rental_withdrawal")
    paths = write_case(sample, tmp_path / "case")
    contract = paths[-1]
    result = check_case(
        business="rental_withdrawal",
        inputs=[read_document(contract)],
        business_date=sample.business_date,
        registry=LocalRegistry(sample.records),
    )
    (doc,) = result.documents
    assert doc.doc_type == "rental_agreement"
    assert doc.value("lessee_id_number") == sample.applicant.id_number
    rules = {f.rule for f in result.report.findings}
    assert "materials.missing" in rules and not result.report.passed
    assert "dates.lease_covers_business_date" not in rules
    body = result.to_json()
    assert body["documents"][0]["doc_type"] == "rental_agreement" and body["timing_ms"]["total"] > 0
