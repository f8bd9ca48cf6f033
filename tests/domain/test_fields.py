"""One table of Chinese labels (domain/fields.py): every field any extractor can emit, every fact the clerk types
in and every document type has one, and findings and the signed PDFs use the same table."""

from __future__ import annotations

import re

from checks.facts import FACT_NAMES
from domain.fields import DOC_TYPE_LABELS_ZH, FIELD_LABELS_ZH, label_zh, warning_zh
from domain.models import DocType
from extractors.registry import extractor_for, known_doc_types

CJK = re.compile(r"[\u4e00-\u9fff]")


def test_every_field_an_extractor_declares_has_a_chinese_label():
    declared = {dt: extractor_for(dt).fields for dt in known_doc_types()}
    assert all(declared.values()), [dt for dt, names in declared.items() if not names]
    unlabelled = sorted({f for names in declared.values() for f in names} - set(FIELD_LABELS_ZH))
    assert unlabelled == []
    for dt, names in declared.items():
        assert set(extractor_for(dt).required_fields) <= set(names), dt
        assert CJK.search(DOC_TYPE_LABELS_ZH[dt]), dt


def test_facts_document_types_and_labels_are_chinese():
    assert set(FACT_NAMES) <= set(FIELD_LABELS_ZH)
    assert {d.value for d in DocType} <= set(DOC_TYPE_LABELS_ZH)
    assert all(CJK.search(v) and not re.search(r"[A-Za-z]", v) for v in FIELD_LABELS_ZH.values())
    # The card prints 有效期限 for both dates: findings and the signed application now name them alike.
    assert label_zh("valid_from") == "有效期限起始日期"
    assert label_zh("buyers[1].id_number") == "买受人2公民身份号码"


def test_warnings_are_shown_in_chinese():
    assert warning_zh("address: not found / 未识别到住址") == "未识别到住址"
    assert warning_zh("purchase_contract: not found: seller_name, total_price") == "购房合同: 未识别到: 出卖人, 总价款"
    text = warning_zh("buyers[1].id_number: fails the check")
    assert "buyers" not in text and "买受人2公民身份号码" in text


def test_findings_and_signed_pdfs_share_the_table():
    import checks.rules.fields as finding_rules
    import signing.data as signed

    assert finding_rules.FIELD_LABELS_ZH is FIELD_LABELS_ZH
    assert not hasattr(signed, "FIELD_NAMES_ZH") and not hasattr(signed, "DOC_TYPE_NAMES_ZH")
