"""Document type from page content: titles and vocabulary, a cover page first, and unknown for other papers."""

from __future__ import annotations

import random

import pytest

from capture.pdf import load_pdf_pages
from config.settings import CaptureSettings
from domain.models import OcrPage, TextLine
from extractors.registry import classify
from samples.generator.contract_pdf import Break, Gap, Para, Title, render_text_pdf
from samples.generator.contracts import TEMPLATES, make_text_pdf


def _pages(pdf: bytes) -> list[OcrPage]:
    pages = load_pdf_pages(pdf, "x.pdf", CaptureSettings())
    return [OcrPage(p.text_layer, p.width, p.height, "pdf_text_layer") for p in pages]


@pytest.mark.parametrize("doc_type", sorted(TEMPLATES))
def test_each_template_is_classified(doc_type: str) -> None:
    for template in TEMPLATES[doc_type]:
        for seed in range(2):
            pdf, _, _ = make_text_pdf(random.Random(f"cls{seed}"), doc_type, template, "hard")
            assert classify(_pages(pdf))[0] == doc_type, template


def test_cover_page_first_then_the_contract() -> None:
    pdf, _, _ = make_text_pdf(random.Random(5), "purchase_contract", "gf2014", "hard")  # hard keeps the cover
    pages = _pages(pdf)
    assert "示范文本" in pages[0].text and "出卖人：" not in pages[0].text
    assert classify(pages)[0] == "purchase_contract"
    assert classify(pages[:1])[0] == "purchase_contract"  # the cover's title alone is enough


def test_rental_wording_in_a_purchase_contract_does_not_flip_it() -> None:
    blocks = [
        Title("商品房买卖合同"),
        Para("出卖人：某某置业有限公司　买受人：张三　总价款：1,000,000元　建筑面积：90平方米"),
        Para("该商品房交付前已出租的，出卖人应当解除租赁关系，承租人的租金由出卖人结清。"),
    ]
    assert classify(_pages(render_text_pdf(blocks)))[0] == "purchase_contract"


def test_other_papers_are_unknown() -> None:
    statement = [
        Title("个人住房公积金缴存明细"),
        Para("单位名称：某某科技有限公司　缴存基数：8000元　月缴存额：1920元"),
        Break(),
        Gap(),
        Para("本明细仅供参考，以住房公积金管理中心系统记录为准。"),
    ]
    assert classify(_pages(render_text_pdf(statement)))[0] == "unknown"
    empty = OcrPage((TextLine("第1页", 0.9, (0, 0, 10, 10)),), 100, 100, "t")
    assert classify([empty])[0] == "unknown"
